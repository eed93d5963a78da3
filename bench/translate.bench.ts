// Translation speed, each figure next to a baseline measured in the same run over the same input:
// - stream translation (anthropic → openai-chat, openai-chat → anthropic): events per second, against
//   eventsource-parser alone over the same bytes;
// - same-dialect passthrough: bytes per second, against the same parser baseline;
// - request translation of a typical chat request: time per request (JSON.parse + translate +
//   JSON.stringify), against JSON.parse + JSON.stringify of the same body.
import { createParser } from 'eventsource-parser';
import { createStreamConverter, type Dialect, translateRequest } from '../src/translate/index.js';

/** One result row. `ratioToBaseline` is time per unit divided by the baseline's (lower is better). */
export interface TranslateBenchRow {
  name: string;
  perEventNs?: number;
  perRequestNs?: number;
  eventsPerSecond?: number;
  bytesPerSecond?: number;
  requestsPerSecond?: number;
  ratioToBaseline: number;
}

const EVENTS = 20_000;
const CHUNK = 4096;
const REQUESTS = 20_000;

const words = ['The', ' sky', ' is', ' blue', ' because', ' of', ' Rayleigh', ' scattering', ' — ', 'é', '.'];

function anthropicStream(n: number): string {
  const sse = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  let out = sse('message_start', {
    message: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 2 },
    },
  });
  out += sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < n; i++) {
    out += sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: words[i % words.length] } });
  }
  out += sse('content_block_stop', { index: 0 });
  out += sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: n } });
  return out + sse('message_stop', {});
}

/** Gemini's `streamGenerateContent?alt=sse`: one candidate chunk per delta, the last with finishReason and usage. */
function geminiStream(n: number): string {
  const chunk = (text: string, last: boolean) =>
    `data: ${JSON.stringify({
      candidates: [
        { content: { parts: [{ text }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) },
      ],
      usageMetadata: last
        ? { promptTokenCount: 9, candidatesTokenCount: n, totalTokenCount: n + 9 }
        : { promptTokenCount: 9, totalTokenCount: 9 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'resp-1',
    })}\r\n\r\n`;
  let out = '';
  for (let i = 0; i < n; i++) out += chunk(words[i % words.length]!, i === n - 1);
  return out;
}

function chatStream(n: number): string {
  const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",';
  const chunk = (delta: object, finish: string | null) =>
    `data: ${head}"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],"usage":null}\n\n`;
  let out = chunk({ role: 'assistant', content: '' }, null);
  for (let i = 0; i < n; i++) out += chunk({ content: words[i % words.length] }, null);
  out += chunk({}, 'stop');
  out += `data: ${head}"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":${n},"total_tokens":${n + 9}}}\n\n`;
  return `${out}data: [DONE]\n\n`;
}

function chunks(text: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += CHUNK) out.push(bytes.subarray(at, at + CHUNK));
  return out;
}

/** Best of `rounds` timings of `run`, in nanoseconds, after a warm-up. */
function time(run: () => void, rounds = 7): number {
  for (let i = 0; i < 2; i++) run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  return best;
}

let sink = 0;

function parserOnly(input: Uint8Array[]): () => void {
  return () => {
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent(event) {
        sink += event.data.length;
      },
    });
    for (const chunk of input) parser.feed(decoder.decode(chunk, { stream: true }));
  };
}

function converter(from: Dialect, to: Dialect, input: Uint8Array[]): () => void {
  return () => {
    const conv = createStreamConverter({ from, to });
    for (const chunk of input) sink += conv.transform(chunk)?.byteLength ?? 0;
    sink += conv.flush()?.byteLength ?? 0;
  };
}

function streamRows(name: string, from: Dialect, to: Dialect, text: string, events: number): TranslateBenchRow[] {
  const input = chunks(text);
  const bytes = input.reduce((n, c) => n + c.byteLength, 0);
  const baseline = time(parserOnly(input));
  const measured = time(converter(from, to, input));
  const rows: TranslateBenchRow[] = [
    {
      name: `baseline: eventsource-parser alone (${from} bytes)`,
      perEventNs: baseline / events,
      eventsPerSecond: (events * 1e9) / baseline,
      bytesPerSecond: (bytes * 1e9) / baseline,
      ratioToBaseline: 1,
    },
  ];
  const row: TranslateBenchRow = {
    name,
    perEventNs: measured / events,
    eventsPerSecond: (events * 1e9) / measured,
    ratioToBaseline: measured / baseline,
  };
  if (from === to) row.bytesPerSecond = (bytes * 1e9) / measured;
  rows.push(row);
  return rows;
}

const CHAT_REQUEST = JSON.stringify({
  model: 'gpt-4.1',
  messages: [
    { role: 'system', content: 'You are a helpful assistant. Answer briefly.' },
    { role: 'user', content: 'What is the weather in Paris and in Boston?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Boston"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
    { role: 'tool', tool_call_id: 'call_2', content: 'Rain, 12°C' },
    { role: 'assistant', content: 'Paris: 18°C and sunny. Boston: rain, 12°C.' },
    { role: 'user', content: 'Thanks! And tomorrow?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ],
  temperature: 0.2,
  max_tokens: 1024,
  stream: true,
});

const ANTHROPIC_REQUEST = JSON.stringify(
  translateRequest({
    from: 'openai-chat',
    to: 'anthropic-messages',
    body: JSON.parse(CHAT_REQUEST),
    options: { targetProvider: 'anthropic' },
  }).value,
);

function requestRows(): TranslateBenchRow[] {
  const rows: TranslateBenchRow[] = [];
  for (const [from, to, text] of [
    ['openai-chat', 'anthropic-messages', CHAT_REQUEST],
    ['anthropic-messages', 'openai-chat', ANTHROPIC_REQUEST],
  ] as const) {
    const baseline = time(() => {
      for (let i = 0; i < REQUESTS; i++) sink += JSON.stringify(JSON.parse(text)).length;
    });
    const measured = time(() => {
      for (let i = 0; i < REQUESTS; i++) {
        const body = JSON.parse(text) as Record<string, unknown>;
        const { value } = translateRequest({
          from,
          to,
          body,
          options: {
            targetProvider: to === 'anthropic-messages' ? 'anthropic' : 'openai',
          },
        });
        sink += JSON.stringify(value).length;
      }
    });
    rows.push({
      name: `baseline: JSON.parse + JSON.stringify (${from} request, ${text.length} B)`,
      perRequestNs: baseline / REQUESTS,
      requestsPerSecond: (REQUESTS * 1e9) / baseline,
      ratioToBaseline: 1,
    });
    rows.push({
      name: `request ${from} → ${to} (parse + translate + stringify)`,
      perRequestNs: measured / REQUESTS,
      requestsPerSecond: (REQUESTS * 1e9) / measured,
      ratioToBaseline: measured / baseline,
    });
  }
  return rows;
}

/**
 * Runs the translation benchmarks and returns one row per measurement, each baseline row just before
 * the rows it is the baseline of.
 */
export async function benchTranslate(): Promise<TranslateBenchRow[]> {
  // Events = SSE events in the source stream (deltas plus the framing events).
  const anthropic = anthropicStream(EVENTS);
  const chat = chatStream(EVENTS);
  const rows = [
    ...streamRows(
      'stream anthropic-messages → openai-chat',
      'anthropic-messages',
      'openai-chat',
      anthropic,
      EVENTS + 6,
    ),
    ...streamRows('stream openai-chat → anthropic-messages', 'openai-chat', 'anthropic-messages', chat, EVENTS + 4),
    // Scenario 5's translation: an Anthropic caller served from Gemini.
    ...streamRows('stream gemini → anthropic-messages', 'gemini', 'anthropic-messages', geminiStream(EVENTS), EVENTS),
    ...streamRows(
      'passthrough anthropic-messages → anthropic-messages',
      'anthropic-messages',
      'anthropic-messages',
      anthropic,
      EVENTS + 6,
    ).slice(1),
    ...requestRows(),
  ];
  if (sink === -1) console.log(sink);
  return rows;
}
