import type { CanonicalError, StreamPart } from '../canonical.js';
import type { StreamEncoder, StreamEncoderOptions } from '../codec.js';
import type { Usage } from '../dialect.js';
import { errorFromCanonical } from './errors.js';
import { finishReasonFromCanonical } from './map-finish-reason.js';
import { usageFromCanonical } from './usage.js';

const DONE = 'data: [DONE]\n\n';
const ROLE_DELTA = '{"role":"assistant","content":""}';

/**
 * Encodes canonical stream parts as the Chat Completions chunk grammar: a first chunk whose delta is
 * `{"role":"assistant","content":""}`, content / `reasoning_content` / `tool_calls` deltas (a call's
 * `id`, `type` and `function.name` on its first fragment only), one chunk with `finish_reason`, the
 * usage chunk (`choices: []`) when `includeUsage`, then `data: [DONE]`. A stream that ends without a
 * finish gets an `{"error":{…}}` chunk before `[DONE]`, as OpenAI sends it, so clients (the openai SDK
 * throws an `APIError`) see a failure, never a truncated answer passed off as complete.
 *
 * Every chunk is built around `JSON.stringify`, so the output is valid JSON whatever the input; the
 * constant part of a chunk (id, created, model) is serialised once per stream.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class OpenAIChatStreamEncoder implements StreamEncoder {
  readonly #includeUsage: boolean;
  /** `data: {"id":…,"object":…,"created":…,"model":…,` — set by the start. */
  #head = '';
  /** What closes a chunk: with usage requested OpenAI sends `"usage":null` on every chunk but the last. */
  readonly #tail: string;
  #started = false;
  #finished = false;
  #failed = false;
  #ended = false;
  /** Canonical tool-call index → Chat's `index` (counted from 0 in the order calls start). */
  #tools = new Map<number, number>();
  #usage: Usage | undefined;

  constructor(options: StreamEncoderOptions = {}) {
    this.#includeUsage = options.includeUsage ?? true;
    this.#tail = this.#includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  }

  encode(part: StreamPart): string {
    if (this.#ended || this.#failed) return '';
    switch (part.type) {
      case 'start':
        if (part.usage) this.#usage = part.usage;
        return this.#start(part.id, part.model, part.created);
      case 'usage':
        this.#usage = part.usage;
        return '';
      case 'error':
        this.#failed = true;
        return errorChunk(part.error);
      case 'ping':
      case 'block-end':
      case 'reasoning-signature':
      case 'reasoning-redacted':
      case 'tool-call-end':
        // Chat has no event for these; a signature cannot travel in Chat at all.
        return '';
    }
    if (this.#finished) return '';
    const opening = this.#started ? '' : this.#start();
    switch (part.type) {
      case 'text-delta':
        return part.text === '' ? opening : opening + this.#chunk(`{"content":${JSON.stringify(part.text)}}`);
      case 'reasoning-delta':
        return part.text === '' ? opening : opening + this.#chunk(`{"reasoning_content":${JSON.stringify(part.text)}}`);
      case 'tool-call-start': {
        if (this.#tools.has(part.index)) return opening;
        const index = this.#tools.size;
        this.#tools.set(part.index, index);
        const call = `{"index":${index},"id":${JSON.stringify(part.id)},"type":"function","function":{"name":${JSON.stringify(part.name)},"arguments":""}}`;
        return opening + this.#chunk(`{"tool_calls":[${call}]}`);
      }
      case 'tool-call-delta': {
        const index = this.#tools.get(part.index);
        // A fragment of a call that never started has no id or name to go with it.
        if (index === undefined || part.argumentsDelta === '') return opening;
        return (
          opening +
          this.#chunk(
            `{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(part.argumentsDelta)}}}]}`,
          )
        );
      }
      case 'finish':
        if (part.usage) this.#usage = part.usage;
        this.#finished = true;
        return opening + this.#chunk('{}', `"${finishReasonFromCanonical(part.finishReason)}"`);
    }
  }

  end(error?: CanonicalError): string {
    if (this.#ended) return '';
    this.#ended = true;
    if (this.#failed) return DONE;
    let out = '';
    if (!this.#finished) {
      // The upstream's terminal event came without a finish reason: close the choice as a plain stop.
      if (error) return errorChunk(error) + DONE;
      out += (this.#started ? '' : this.#start()) + this.#chunk('{}', '"stop"');
    }
    if (this.#includeUsage && this.#usage) {
      out += `${this.#head}"choices":[],"usage":${JSON.stringify(usageFromCanonical(this.#usage))}}\n\n`;
    }
    return out + DONE;
  }

  #start(id?: string, model?: string, created?: number): string {
    if (this.#started) return '';
    this.#started = true;
    const when = created ?? Math.floor(Date.now() / 1000);
    this.#head = `data: {"id":${JSON.stringify(id || `chatcmpl-${crypto.randomUUID()}`)},"object":"chat.completion.chunk","created":${Number.isFinite(when) ? Math.floor(when) : 0},"model":${JSON.stringify(model ?? '')},`;
    return this.#chunk(ROLE_DELTA);
  }

  #chunk(delta: string, finishReason = 'null'): string {
    return `${this.#head}"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${this.#tail}`;
  }
}

function errorChunk(error: CanonicalError): string {
  return `data: ${JSON.stringify(errorFromCanonical(error).body)}\n\n`;
}

/** An encoder for one Chat Completions stream; see {@link OpenAIChatStreamEncoder}. */
export function createStreamEncoder(options?: StreamEncoderOptions): StreamEncoder {
  return new OpenAIChatStreamEncoder(options);
}
