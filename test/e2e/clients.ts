import Anthropic from '@anthropic-ai/sdk';
import { type FunctionCall, type GenerateContentResponse, GoogleGenAI, type Part } from '@google/genai';
import OpenAI from 'openai';

/** The caller dialects, each driven by its provider's official SDK. */
export const CALLERS = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'] as const;
export type Caller = (typeof CALLERS)[number];

/** What an SDK reported, reduced to what every dialect can say. */
export interface Outcome {
  text: string;
  tools: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** The dialect's own finish reason (`stop`, `end_turn`, `STOP`, a Responses status...). */
  finish: string | null | undefined;
  usage: { input: number | undefined; output: number | undefined };
}

/** The tool every tool test offers. */
export const WEATHER_TOOL: {
  name: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, unknown>; required: string[] };
} = {
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
  },
};

/** The finish reason each dialect reports for a text answer and for a tool call. */
export const EXPECTED_FINISH: Record<Caller, { text: string; tools: string }> = {
  'openai-chat': { text: 'stop', tools: 'tool_calls' },
  'openai-responses': { text: 'completed', tools: 'completed' },
  'anthropic-messages': { text: 'end_turn', tools: 'tool_use' },
  gemini: { text: 'STOP', tools: 'STOP' },
};

export interface CallOptions {
  model: string;
  prompt: string;
  stream: boolean;
  withTools: boolean;
  signal?: AbortSignal;
}

/** One SDK client per dialect, pointed at a gateway. */
export class Clients {
  readonly openai: OpenAI;
  readonly anthropic: Anthropic;
  readonly google: GoogleGenAI;

  constructor(baseUrl: string, key: string) {
    this.openai = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 15_000 });
    this.anthropic = new Anthropic({ apiKey: key, baseURL: baseUrl, maxRetries: 0, timeout: 15_000 });
    this.google = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl, timeout: 15_000 } });
  }

  call(caller: Caller, options: CallOptions): Promise<Outcome> {
    switch (caller) {
      case 'openai-chat':
        return options.stream ? this.#chatStream(options) : this.#chat(options);
      case 'openai-responses':
        return options.stream ? this.#responsesStream(options) : this.#responses(options);
      case 'anthropic-messages':
        return options.stream ? this.#messagesStream(options) : this.#messages(options);
      case 'gemini':
        return options.stream ? this.#geminiStream(options) : this.#gemini(options);
    }
  }

  #chatParams(o: CallOptions) {
    return {
      model: o.model,
      messages: [{ role: 'user' as const, content: o.prompt }],
      ...(o.withTools ? { tools: [{ type: 'function' as const, function: { ...WEATHER_TOOL } }] } : {}),
    };
  }

  async #chat(o: CallOptions): Promise<Outcome> {
    const completion = await this.openai.chat.completions.create(this.#chatParams(o), { signal: o.signal });
    const choice = completion.choices[0];
    return {
      text: choice?.message.content ?? '',
      tools: (choice?.message.tool_calls ?? []).flatMap((call) =>
        call.type === 'function' ? [{ name: call.function.name, arguments: parseArgs(call.function.arguments) }] : [],
      ),
      finish: choice?.finish_reason,
      usage: { input: completion.usage?.prompt_tokens, output: completion.usage?.completion_tokens },
    };
  }

  async #chatStream(o: CallOptions): Promise<Outcome> {
    const stream = await this.openai.chat.completions.create(
      { ...this.#chatParams(o), stream: true, stream_options: { include_usage: true } },
      { signal: o.signal },
    );
    let text = '';
    let finish: string | null | undefined;
    const calls: Array<{ name: string; arguments: string }> = [];
    const usage: Outcome['usage'] = { input: undefined, output: undefined };
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice) {
        text += choice.delta.content ?? '';
        for (const call of choice.delta.tool_calls ?? []) {
          const slot = calls[call.index] ?? { name: '', arguments: '' };
          calls[call.index] = slot;
          slot.name += call.function?.name ?? '';
          slot.arguments += call.function?.arguments ?? '';
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (chunk.usage) {
        usage.input = chunk.usage.prompt_tokens;
        usage.output = chunk.usage.completion_tokens;
      }
    }
    return { text, tools: calls.map((c) => ({ name: c.name, arguments: parseArgs(c.arguments) })), finish, usage };
  }

  #responsesParams(o: CallOptions) {
    return {
      model: o.model,
      input: o.prompt,
      ...(o.withTools ? { tools: [{ type: 'function' as const, strict: false, ...WEATHER_TOOL }] } : {}),
    };
  }

  async #responses(o: CallOptions): Promise<Outcome> {
    const response = await this.openai.responses.create(this.#responsesParams(o), { signal: o.signal });
    return fromResponse(response, response.output_text);
  }

  async #responsesStream(o: CallOptions): Promise<Outcome> {
    const stream = await this.openai.responses.create(
      { ...this.#responsesParams(o), stream: true },
      { signal: o.signal },
    );
    let text = '';
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') final = event.response;
    }
    if (!final) throw new Error('the Responses stream ended without response.completed');
    return fromResponse(final, text);
  }

  #messagesParams(o: CallOptions) {
    return {
      model: o.model,
      max_tokens: 256,
      messages: [{ role: 'user' as const, content: o.prompt }],
      ...(o.withTools
        ? {
            tools: [
              { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters },
            ],
          }
        : {}),
    };
  }

  async #messages(o: CallOptions): Promise<Outcome> {
    const message = await this.anthropic.messages.create(this.#messagesParams(o), { signal: o.signal });
    return fromMessage(message, undefined);
  }

  async #messagesStream(o: CallOptions): Promise<Outcome> {
    const stream = this.anthropic.messages.stream(this.#messagesParams(o), { signal: o.signal });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const message = await stream.finalMessage();
    return fromMessage(message, text);
  }

  #geminiParams(o: CallOptions) {
    return {
      model: o.model,
      contents: o.prompt,
      config: {
        ...(o.signal ? { abortSignal: o.signal } : {}),
        ...(o.withTools
          ? {
              tools: [
                {
                  functionDeclarations: [
                    {
                      name: WEATHER_TOOL.name,
                      description: WEATHER_TOOL.description,
                      parametersJsonSchema: WEATHER_TOOL.parameters,
                    },
                  ],
                },
              ],
            }
          : {}),
      },
    };
  }

  async #gemini(o: CallOptions): Promise<Outcome> {
    const response = await this.google.models.generateContent(this.#geminiParams(o));
    return fromGemini([response]);
  }

  async #geminiStream(o: CallOptions): Promise<Outcome> {
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of await this.google.models.generateContentStream(this.#geminiParams(o))) chunks.push(chunk);
    return fromGemini(chunks);
  }
}

function fromResponse(response: OpenAI.Responses.Response, text: string): Outcome {
  const tools: Outcome['tools'] = [];
  for (const item of response.output) {
    if (item.type === 'function_call') tools.push({ name: item.name, arguments: parseArgs(item.arguments) });
  }
  return {
    text,
    tools,
    finish: response.status,
    usage: { input: response.usage?.input_tokens, output: response.usage?.output_tokens },
  };
}

function fromMessage(message: Anthropic.Message, streamed: string | undefined): Outcome {
  let text = '';
  const tools: Outcome['tools'] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    if (block.type === 'tool_use') tools.push({ name: block.name, arguments: block.input as Record<string, unknown> });
  }
  if (streamed !== undefined && streamed !== text) {
    throw new Error(
      `streamed text ${JSON.stringify(streamed)} differs from the final message's ${JSON.stringify(text)}`,
    );
  }
  return {
    text,
    tools,
    finish: message.stop_reason,
    usage: { input: message.usage.input_tokens, output: message.usage.output_tokens },
  };
}

function fromGemini(chunks: GenerateContentResponse[]): Outcome {
  let text = '';
  const calls: FunctionCall[] = [];
  let finish: string | undefined;
  let usage: Outcome['usage'] = { input: undefined, output: undefined };
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? ([] as Part[])) {
      if (part.text !== undefined && !part.thought) text += part.text;
      if (part.functionCall) calls.push(part.functionCall);
    }
    if (candidate?.finishReason) finish = candidate.finishReason;
    if (chunk.usageMetadata) {
      usage = { input: chunk.usageMetadata.promptTokenCount, output: chunk.usageMetadata.candidatesTokenCount };
    }
  }
  return {
    text,
    tools: calls.map((c) => ({ name: c.name ?? '', arguments: c.args ?? {} })),
    finish,
    usage,
  };
}

function parseArgs(text: string): Record<string, unknown> {
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
