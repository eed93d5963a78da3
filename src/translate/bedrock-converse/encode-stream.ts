import type { CanonicalError, FinishReason, StreamPart } from '../canonical.js';
import type { StreamEncoder, StreamEncoderOptions } from '../codec.js';
import type { Usage } from '../dialect.js';
import type { JsonObject } from '../json.js';
import { tagSignature } from '../reasoning.js';
import { exceptionTypeFromCanonical } from './errors.js';
import { finishReasonFromCanonical } from './finish-reason.js';
import { usageFromCanonical } from './usage.js';
import type { ConverseStreamEventType } from './wire-types.js';

type Open = 'text' | 'reasoning' | 'tool' | undefined;

/** One event, in the SSE form the Bedrock executor gives a ConverseStream (event name = `:event-type`). */
function sse(type: ConverseStreamEventType | string, data: JsonObject): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Encodes canonical stream parts as a ConverseStream (in the executor's SSE form), one instance per
 * stream: `messageStart`, then per content block its deltas (a `contentBlockStart` only for tool use,
 * as Bedrock sends it) and `contentBlockStop`, with indexes from 0; then `messageStop` with the stop
 * reason and `metadata` with the usage, both at `end()` since usage may come after the finish. An early
 * end becomes an exception event (`internalServerException`, ...), as Bedrock reports in-stream errors.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */
export function createStreamEncoder(_options: StreamEncoderOptions = {}): StreamEncoder {
  let started = false;
  let ended = false;
  let open: Open;
  let signed = false;
  let nextIndex = 0;
  let openIndex = -1;
  let openTool = -1;
  const toolBlocks = new Map<number, number>();
  let usage: Usage | undefined;
  let finish: FinishReason | undefined;

  const ensureStarted = (): string => {
    if (started) return '';
    started = true;
    return sse('messageStart', { role: 'assistant' });
  };
  const close = (): string => {
    if (open === undefined) return '';
    const out = sse('contentBlockStop', { contentBlockIndex: openIndex });
    open = undefined;
    openTool = -1;
    return out;
  };
  const openBlock = (kind: Exclude<Open, undefined>): string => {
    const out = close();
    open = kind;
    signed = false;
    openIndex = nextIndex++;
    return out;
  };
  const delta = (index: number, body: JsonObject): string =>
    sse('contentBlockDelta', { contentBlockIndex: index, delta: body });

  return {
    encode(part: StreamPart): string {
      if (ended) return '';
      switch (part.type) {
        case 'start':
          if (part.usage !== undefined) usage = part.usage;
          return ensureStarted();
        case 'text-delta': {
          if (part.text === '') return '';
          let out = ensureStarted();
          if (open !== 'text') out += openBlock('text');
          return out + delta(openIndex, { text: part.text });
        }
        case 'reasoning-delta': {
          if (part.text === '') return '';
          let out = ensureStarted();
          if (open !== 'reasoning' || signed) out += openBlock('reasoning');
          return out + delta(openIndex, { reasoningContent: { text: part.text } });
        }
        case 'reasoning-signature': {
          let out = ensureStarted();
          if (open !== 'reasoning' || signed) out += openBlock('reasoning');
          signed = true;
          const signature =
            part.origin === undefined ? part.signature : tagSignature(part.origin, part.signature, 'anthropic');
          return out + delta(openIndex, { reasoningContent: { signature } });
        }
        case 'reasoning-redacted': {
          let out = ensureStarted() + openBlock('reasoning');
          out += delta(openIndex, { reasoningContent: { redactedContent: part.data } });
          return out + close();
        }
        case 'block-end':
          return open === 'text' || open === 'reasoning' ? close() : '';
        case 'tool-call-start': {
          const out = ensureStarted() + openBlock('tool');
          openTool = part.index;
          toolBlocks.set(part.index, openIndex);
          return (
            out +
            sse('contentBlockStart', {
              contentBlockIndex: openIndex,
              start: { toolUse: { toolUseId: part.id, name: part.name } },
            })
          );
        }
        case 'tool-call-delta': {
          if (part.argumentsDelta === '') return '';
          const index = open === 'tool' && openTool === part.index ? openIndex : toolBlocks.get(part.index);
          return index === undefined ? '' : delta(index, { toolUse: { input: part.argumentsDelta } });
        }
        case 'tool-call-end':
          return open === 'tool' && openTool === part.index ? close() : '';
        case 'usage':
          usage = part.usage;
          return '';
        case 'finish':
          if (part.usage !== undefined) usage = part.usage;
          finish = part.finishReason;
          return ensureStarted() + close();
        case 'ping':
          return '';
        case 'error':
          ended = true;
          return exceptionEvent(part.error);
      }
    },
    end(error?: CanonicalError): string {
      if (ended) return '';
      ended = true;
      if (finish === undefined && error !== undefined) return exceptionEvent(error);
      let out = ensureStarted() + close();
      out += sse('messageStop', { stopReason: finishReasonFromCanonical(finish ?? 'stop') });
      return out + sse('metadata', { usage: usageFromCanonical(usage), metrics: { latencyMs: 0 } });
    },
  };
}

/** An in-stream exception: the camel-case exception name as the event, `{ message }` as data. */
function exceptionEvent(error: CanonicalError): string {
  const type = exceptionTypeFromCanonical(error);
  return sse(type.charAt(0).toLowerCase() + type.slice(1), { message: error.message });
}
