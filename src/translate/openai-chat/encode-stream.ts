import type { CanonicalError, StreamPart } from '../canonical.js';
import type { StreamEncoder, StreamEncoderOptions } from '../codec.js';
import { nowSeconds, resolveContext } from '../context.js';
import type { Usage } from '../dialect.js';
import { errorFromCanonical } from './errors.js';
import { finishReasonFromCanonical } from './finish-reason.js';
import { usageFromCanonical } from './usage.js';

const DONE = 'data: [DONE]\n\n';
const ROLE_DELTA = '{"role":"assistant","content":""}';

/**
 * Encodes canonical stream parts as the Chat Completions chunk grammar, one encoder per stream: a first
 * chunk whose delta is `{"role":"assistant","content":""}`, content / `reasoning_content` / `tool_calls`
 * deltas (a call's `id`, `type` and `function.name` on its first fragment only), one chunk with
 * `finish_reason`, the usage chunk (`choices: []`) when `includeUsage`, then `data: [DONE]`. A stream
 * that ends without a finish gets an `{"error":{…}}` chunk before `[DONE]`, as OpenAI sends it, so
 * clients (the openai SDK throws an `APIError`) see a failure, never a truncated answer passed off as
 * complete. A source without an id or a `created` time gets `generateId('chatcmpl-')` and `now()`.
 *
 * Every chunk is built around `JSON.stringify`, so the output is valid JSON whatever the input; the
 * constant part of a chunk (id, created, model) is serialised once per stream.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function createStreamEncoder(options: StreamEncoderOptions = {}): StreamEncoder {
  const includeUsage = options.includeUsage ?? true;
  const context = resolveContext(options);
  /** `data: {"id":…,"object":…,"created":…,"model":…,` — set by the start. */
  let head = '';
  /** What closes a chunk: with usage requested OpenAI sends `"usage":null` on every chunk but the last. */
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  let started = false;
  let finished = false;
  let failed = false;
  let ended = false;
  /** Canonical tool-call index → Chat's `index` (counted from 0 in the order calls start). */
  const tools = new Map<number, number>();
  let usage: Usage | undefined;

  const chunk = (delta: string, finishReason = 'null'): string =>
    `${head}"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${tail}`;

  const start = (id?: string, model?: string, created?: number): string => {
    if (started) return '';
    started = true;
    const when = created ?? nowSeconds(context);
    head = `data: {"id":${JSON.stringify(id || context.generateId('chatcmpl-'))},"object":"chat.completion.chunk","created":${Number.isFinite(when) ? Math.floor(when) : 0},"model":${JSON.stringify(model ?? '')},`;
    return chunk(ROLE_DELTA);
  };

  return {
    encode(part: StreamPart): string {
      if (ended || failed) return '';
      switch (part.type) {
        case 'start':
          if (part.usage) usage = part.usage;
          return start(part.id, part.model, part.created);
        case 'usage':
          usage = part.usage;
          return '';
        case 'error':
          failed = true;
          return errorChunk(part.error);
        case 'ping':
        case 'block-end':
        case 'reasoning-signature':
        case 'reasoning-redacted':
        case 'tool-call-end':
          // Chat has no event for these; a signature cannot travel in Chat at all.
          return '';
      }
      if (finished) return '';
      const opening = started ? '' : start();
      switch (part.type) {
        case 'text-delta':
          return part.text === '' ? opening : opening + chunk(`{"content":${JSON.stringify(part.text)}}`);
        case 'reasoning-delta':
          return part.text === '' ? opening : opening + chunk(`{"reasoning_content":${JSON.stringify(part.text)}}`);
        case 'tool-call-start': {
          if (tools.has(part.index)) return opening;
          const index = tools.size;
          tools.set(part.index, index);
          const call = `{"index":${index},"id":${JSON.stringify(part.id)},"type":"function","function":{"name":${JSON.stringify(part.name)},"arguments":""}}`;
          return opening + chunk(`{"tool_calls":[${call}]}`);
        }
        case 'tool-call-delta': {
          const index = tools.get(part.index);
          // A fragment of a call that never started has no id or name to go with it.
          if (index === undefined || part.argumentsDelta === '') return opening;
          return (
            opening +
            chunk(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(part.argumentsDelta)}}}]}`)
          );
        }
        case 'finish':
          if (part.usage) usage = part.usage;
          finished = true;
          return opening + chunk('{}', `"${finishReasonFromCanonical(part.finishReason)}"`);
      }
    },
    end(error?: CanonicalError): string {
      if (ended) return '';
      ended = true;
      if (failed) return DONE;
      let out = '';
      if (!finished) {
        // The upstream's terminal event came without a finish reason: close the choice as a plain stop.
        if (error) return errorChunk(error) + DONE;
        out += (started ? '' : start()) + chunk('{}', '"stop"');
      }
      if (includeUsage && usage) {
        out += `${head}"choices":[],"usage":${JSON.stringify(usageFromCanonical(usage))}}\n\n`;
      }
      return out + DONE;
    },
  };
}

function errorChunk(error: CanonicalError): string {
  return `data: ${JSON.stringify(errorFromCanonical(error).body)}\n\n`;
}
