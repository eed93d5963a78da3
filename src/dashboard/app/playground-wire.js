// The four caller dialects as the playground speaks them: the body it sends, the text and usage it
// reads back (whole answers and stream events). Field names from the providers' API references.

const num = (v) => (v === '' || v === undefined ? undefined : Number(v));

/** The exact request body for the dialect (the model of a Gemini request goes in the path). */
export function buildBody(f) {
  const max = num(f.max_tokens);
  const temperature = num(f.temperature);
  const top_p = num(f.top_p);
  const drop = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  switch (f.dialect) {
    case 'openai-responses':
      return drop({
        model: f.model,
        input: f.prompt,
        stream: f.stream || undefined,
        max_output_tokens: max,
        temperature,
        top_p,
      });
    case 'anthropic-messages':
      return drop({
        model: f.model,
        max_tokens: max ?? 1024,
        messages: [{ role: 'user', content: f.prompt }],
        stream: f.stream || undefined,
        temperature,
        top_p,
      });
    case 'gemini':
      return drop({
        contents: [{ role: 'user', parts: [{ text: f.prompt }] }],
        generationConfig: Object.keys(drop({ maxOutputTokens: max, temperature, topP: top_p })).length
          ? drop({ maxOutputTokens: max, temperature, topP: top_p })
          : undefined,
      });
    default:
      return drop({
        model: f.model,
        messages: [{ role: 'user', content: f.prompt }],
        stream: f.stream || undefined,
        stream_options: f.stream ? { include_usage: true } : undefined,
        max_tokens: max,
        temperature,
        top_p,
      });
  }
}

/** Text and usage of a whole (non-stream) answer. */
export function answerText(dialect, b) {
  if (!b) return { text: '', usage: undefined };
  switch (dialect) {
    case 'openai-responses': {
      const text = (b.output ?? [])
        .flatMap((o) => o.content ?? [])
        .filter((c) => c.type === 'output_text')
        .map((c) => c.text)
        .join('');
      return { text, usage: b.usage && { input: b.usage.input_tokens, output: b.usage.output_tokens } };
    }
    case 'anthropic-messages':
      return {
        text: (b.content ?? [])
          .filter((c) => c.type === 'text')
          .map((c) => c.text)
          .join(''),
        usage: b.usage && { input: b.usage.input_tokens, output: b.usage.output_tokens },
      };
    case 'gemini':
      return geminiPart(b);
    default:
      return {
        text: b.choices?.[0]?.message?.content ?? '',
        usage: b.usage && { input: b.usage.prompt_tokens, output: b.usage.completion_tokens },
      };
  }
}

function geminiPart(b) {
  const text = (b.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('');
  const u = b.usageMetadata;
  return { text, usage: u && { input: u.promptTokenCount, output: u.candidatesTokenCount } };
}

/** What one stream event adds: text, usage, or an error. */
export function streamDelta(dialect, { event, data }) {
  if (data === '[DONE]') return {};
  let d;
  try {
    d = JSON.parse(data);
  } catch {
    return {};
  }
  if (d.error) return { error: d.error.message ?? String(d.error) };
  switch (dialect) {
    case 'openai-responses':
      if (d.type === 'response.output_text.delta') return { text: d.delta };
      if (d.type === 'response.completed' && d.response?.usage) {
        return { usage: { input: d.response.usage.input_tokens, output: d.response.usage.output_tokens } };
      }
      return {};
    case 'anthropic-messages': {
      const type = d.type ?? event;
      if (type === 'content_block_delta' && d.delta?.type === 'text_delta') return { text: d.delta.text };
      if (type === 'message_start' && d.message?.usage) return { usage: { input: d.message.usage.input_tokens } };
      if (type === 'message_delta' && d.usage) return { usage: { output: d.usage.output_tokens } };
      return {};
    }
    case 'gemini': {
      const { text, usage } = geminiPart(d);
      return { text, usage };
    }
    default:
      return {
        text: d.choices?.[0]?.delta?.content ?? '',
        usage: d.usage ? { input: d.usage.prompt_tokens, output: d.usage.completion_tokens } : undefined,
      };
  }
}

/** Server-sent events from a response body, as `{ event, data }`, each as soon as it is complete. */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replaceAll('\r\n', '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) yield { event, data: data.join('\n') };
      end = buffer.indexOf('\n\n');
    }
  }
}
