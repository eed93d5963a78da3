import type { CanonicalError, FinishReason, ReasoningOrigin, StreamPart } from '../canonical.js';
import type { StreamEncoder, StreamEncoderOptions } from '../codec.js';
import { resolveContext } from '../context.js';
import type { Usage } from '../dialect.js';
import type { JsonObject } from '../json.js';
import { tagSignature } from '../reasoning.js';
import { errorTypeFromCanonical } from './errors.js';
import { finishReasonFromCanonical } from './finish-reason.js';
import { usageFromCanonical } from './usage.js';
import type { AnthropicMessage, AnthropicStreamEventType } from './wire-types.js';

type Open = 'text' | 'thinking' | 'tool' | undefined;

/** One SSE event: the `event:` name always equals the data's `type`. */
function sse(type: AnthropicStreamEventType, data: JsonObject): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Encodes canonical stream parts as Anthropic Messages SSE, one instance per stream, in Anthropic's exact
 * grammar: `message_start` (synthesised when the first part is not `start`), then per block
 * `content_block_start` / `content_block_delta`s / `content_block_stop` with consecutive indexes from 0,
 * then `message_delta` (stop reason, stop sequence, cumulative usage) and `message_stop`.
 *
 * A part of another kind closes the open block; a signature seals its thinking block (the next
 * reasoning opens a new one, as Anthropic sends them). `message_delta` waits for `end()` because usage
 * may arrive after the finish (OpenAI's usage chunk). An early end (`end(error)` with no `finish`)
 * becomes an `event: error`, which the Anthropic SDKs raise as an APIError: a visible failure rather
 * than an answer that looks complete. A source without a message id gets `generateId('msg_')`;
 * `includeUsage` does not apply (Anthropic always reports usage).
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createStreamEncoder(options: StreamEncoderOptions = {}): StreamEncoder {
  const context = resolveContext(options);
  const messageId = (): string => context.generateId('msg_');
  let started = false;
  let ended = false;
  let open: Open;
  let signed = false;
  let nextIndex = 0;
  let openIndex = -1;
  let openTool = -1;
  /** Canonical tool-call index → Anthropic block index. */
  const toolBlocks = new Map<number, number>();
  let usage: Usage | undefined;
  let finish: { reason: FinishReason; stopSequence: string | undefined } | undefined;

  const start = (id: string, model: string): string => {
    started = true;
    const message: AnthropicMessage = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageFromCanonical(usage ?? { inputTokens: 0, outputTokens: 0 }),
    };
    return sse('message_start', { type: 'message_start', message });
  };
  const ensureStarted = (): string => (started ? '' : start(messageId(), ''));
  const close = (): string => {
    if (open === undefined) return '';
    const out = sse('content_block_stop', { type: 'content_block_stop', index: openIndex });
    open = undefined;
    openTool = -1;
    return out;
  };
  const openBlock = (kind: Exclude<Open, undefined>, block: JsonObject): string => {
    let out = close();
    open = kind;
    signed = false;
    openIndex = nextIndex++;
    out += sse('content_block_start', { type: 'content_block_start', index: openIndex, content_block: block });
    return out;
  };
  const delta = (index: number, body: JsonObject): string =>
    sse('content_block_delta', { type: 'content_block_delta', index, delta: body });
  /**
   * A `content_block_delta` whose delta carries one string field: the most frequent event, written
   * from a template with only the string escaped (the same bytes as {@link delta}, about half the work).
   */
  const textDelta = (index: number, type: string, field: string, text: string): string =>
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${type}","${field}":${JSON.stringify(text)}}}\n\n`;
  const openThinking = (): string =>
    open === 'thinking' && !signed ? '' : openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
  const signatureFor = (signature: string, origin: ReasoningOrigin | undefined): string =>
    origin === undefined ? signature : tagSignature(origin, signature, 'anthropic');

  return {
    encode(part: StreamPart): string {
      if (ended) return '';
      switch (part.type) {
        case 'start':
          if (part.usage !== undefined) usage = part.usage;
          return started ? '' : start(part.id || messageId(), part.model);
        case 'text-delta': {
          if (part.text === '') return '';
          let out = ensureStarted();
          if (open !== 'text') out += openBlock('text', { type: 'text', text: '' });
          return out + textDelta(openIndex, 'text_delta', 'text', part.text);
        }
        case 'reasoning-delta': {
          if (part.text === '') return '';
          const out = ensureStarted() + openThinking();
          return out + textDelta(openIndex, 'thinking_delta', 'thinking', part.text);
        }
        case 'reasoning-signature': {
          const out = ensureStarted() + openThinking();
          signed = true;
          return (
            out + delta(openIndex, { type: 'signature_delta', signature: signatureFor(part.signature, part.origin) })
          );
        }
        case 'reasoning-redacted': {
          // Anthropic sends redacted thinking whole in its start event, with no deltas.
          const out = ensureStarted() + close();
          const index = nextIndex++;
          return (
            out +
            sse('content_block_start', {
              type: 'content_block_start',
              index,
              content_block: { type: 'redacted_thinking', data: part.data },
            }) +
            sse('content_block_stop', { type: 'content_block_stop', index })
          );
        }
        case 'block-end':
          return open === 'text' || open === 'thinking' ? close() : '';
        case 'tool-call-start': {
          let out = ensureStarted();
          out += openBlock('tool', { type: 'tool_use', id: part.id, name: part.name, input: {} });
          openTool = part.index;
          toolBlocks.set(part.index, openIndex);
          return out;
        }
        case 'tool-call-delta': {
          if (part.argumentsDelta === '') return '';
          // A source that interleaves parallel calls (OpenAI may) gets each delta on its own block's index.
          const index = open === 'tool' && openTool === part.index ? openIndex : toolBlocks.get(part.index);
          if (index === undefined) return '';
          return textDelta(index, 'input_json_delta', 'partial_json', part.argumentsDelta);
        }
        case 'tool-call-end':
          return open === 'tool' && openTool === part.index ? close() : '';
        case 'usage':
          usage = part.usage;
          return '';
        case 'finish':
          if (part.usage !== undefined) usage = part.usage;
          finish = { reason: part.finishReason, stopSequence: part.stopSequence };
          return ensureStarted() + close();
        case 'ping':
          return sse('ping', { type: 'ping' });
        case 'error':
          ended = true;
          return errorEvent(part.error);
      }
    },
    end(error?: CanonicalError): string {
      if (ended) return '';
      ended = true;
      if (finish === undefined && error !== undefined) return errorEvent(error);
      let out = ensureStarted() + close();
      const final = usageFromCanonical(usage ?? { inputTokens: 0, outputTokens: 0 });
      out += sse('message_delta', {
        type: 'message_delta',
        delta: {
          stop_reason: finishReasonFromCanonical(finish?.reason ?? 'stop'),
          stop_sequence: finish?.stopSequence ?? null,
        },
        usage: final,
      });
      return out + sse('message_stop', { type: 'message_stop' });
    },
  };
}

function errorEvent(error: CanonicalError): string {
  const { type } = errorTypeFromCanonical(error);
  return sse('error', { type: 'error', error: { type, message: error.message } });
}
