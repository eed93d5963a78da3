import type { StreamPart } from '../canonical.js';
import type { SseEvent, StreamDecoder } from '../codec.js';
import type { Usage } from '../dialect.js';
import { isRecord, type JsonObject, num, obj, parseJson, str } from '../json.js';
import { untagSignature } from '../reasoning.js';
import { errorToCanonical } from './errors.js';
import { finishReasonToCanonical } from './finish-reason.js';
import { usageToCanonical } from './usage.js';

/** What an open Anthropic content block is, by its `index`. */
/** `other`: server tool blocks and types newer than this code, whose events are skipped. */
type Block = 'text' | 'thinking' | 'redacted' | 'tool' | 'other';

const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Decodes Anthropic Messages SSE into canonical stream parts, one instance per stream.
 *
 * `message_start` → `start`; text / thinking / signature / input_json deltas → their parts;
 * a `redacted_thinking` block → `reasoning-redacted`; `tool_use` starts → `tool-call-start` (indexes count
 * tool calls from 0, not Anthropic block indexes); `content_block_stop` → `block-end` or `tool-call-end`;
 * the first `message_delta` with a stop reason → `finish` (usage is cumulative: input from
 * `message_start` unless the delta restates it); later ones → `usage`; `message_stop` sets `done`;
 * `ping` → `ping`; `error` (and undecodable data) → `error`. Unknown events are ignored, as Anthropic's
 * versioning policy asks.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createStreamDecoder(): StreamDecoder {
  const blocks: Block[] = [];
  const toolIndex: number[] = [];
  let tools = 0;
  let startUsage: JsonObject | undefined;
  let finished = false;
  let done = false;

  const usageFrom = (delta: JsonObject | undefined): Usage | undefined => {
    if (startUsage === undefined && delta === undefined) return undefined;
    // message_delta counters are whole-message totals present only when they apply; the rest come from message_start.
    const merged: JsonObject = { ...startUsage };
    if (delta !== undefined) for (const key in delta) if (delta[key] !== null) merged[key] = delta[key];
    return usageToCanonical(merged);
  };

  return {
    get done() {
      return done;
    },
    event(event: SseEvent): StreamPart[] {
      if (event.event === 'ping') return [{ type: 'ping' }];
      const data = parseJson(event.data);
      if (!isRecord(data)) {
        if (event.data.trim() === '') return [];
        return [
          {
            type: 'error',
            error: { status: 502, kind: 'upstream_error', message: 'Undecodable stream event from upstream' },
          },
        ];
      }
      switch (data.type ?? event.event) {
        case 'message_start': {
          const message = obj(data.message);
          startUsage = obj(message?.usage);
          const part: StreamPart = { type: 'start', id: str(message?.id) ?? '', model: str(message?.model) ?? '' };
          const usage = usageToCanonical(startUsage);
          if (usage !== undefined) part.usage = usage;
          return [part];
        }
        case 'content_block_start': {
          const index = num(data.index) ?? blocks.length;
          const block = obj(data.content_block);
          switch (block?.type) {
            case 'text': {
              blocks[index] = 'text';
              const text = str(block.text);
              return text ? [{ type: 'text-delta', text }] : [];
            }
            case 'thinking': {
              blocks[index] = 'thinking';
              const out: StreamPart[] = [];
              const text = str(block.thinking);
              if (text) out.push({ type: 'reasoning-delta', text, origin: 'anthropic' });
              const signature = str(block.signature);
              if (signature) out.push(signaturePart(signature));
              return out;
            }
            case 'redacted_thinking':
              blocks[index] = 'redacted';
              return [{ type: 'reasoning-redacted', data: str(block.data) ?? '' }];
            case 'tool_use': {
              blocks[index] = 'tool';
              const call = tools++;
              toolIndex[index] = call;
              const out: StreamPart[] = [
                { type: 'tool-call-start', index: call, id: str(block.id) ?? '', name: str(block.name) ?? '' },
              ];
              // Input normally streams as input_json_delta; a non-empty start input is sent whole.
              const input = obj(block.input);
              if (input !== undefined && Object.keys(input).length > 0) {
                out.push({ type: 'tool-call-delta', index: call, argumentsDelta: JSON.stringify(input) });
              }
              return out;
            }
            default:
              blocks[index] = 'other';
              return [];
          }
        }
        case 'content_block_delta': {
          const index = num(data.index) ?? blocks.length - 1;
          const delta = obj(data.delta);
          switch (delta?.type) {
            case 'text_delta': {
              const text = str(delta.text);
              return text && blocks[index] === 'text' ? [{ type: 'text-delta', text }] : [];
            }
            case 'thinking_delta': {
              const text = str(delta.thinking);
              return text && blocks[index] === 'thinking'
                ? [{ type: 'reasoning-delta', text, origin: 'anthropic' }]
                : [];
            }
            case 'signature_delta': {
              const signature = str(delta.signature);
              return signature && blocks[index] === 'thinking' ? [signaturePart(signature)] : [];
            }
            case 'input_json_delta': {
              const json = str(delta.partial_json);
              const call = toolIndex[index];
              return json && call !== undefined && blocks[index] === 'tool'
                ? [{ type: 'tool-call-delta', index: call, argumentsDelta: json }]
                : [];
            }
            default:
              return [];
          }
        }
        case 'content_block_stop': {
          const index = num(data.index) ?? blocks.length - 1;
          const kind = blocks[index];
          if (kind === 'tool') return [{ type: 'tool-call-end', index: toolIndex[index] ?? 0 }];
          if (kind === 'text' || kind === 'thinking' || kind === 'redacted') return [{ type: 'block-end' }];
          return [];
        }
        case 'message_delta': {
          const delta = obj(data.delta);
          const usage = usageFrom(obj(data.usage));
          const reason = delta?.stop_reason;
          if (finished || reason === undefined || reason === null) {
            return usage === undefined ? [] : [{ type: 'usage', usage }];
          }
          finished = true;
          const part: StreamPart = { type: 'finish', finishReason: finishReasonToCanonical(reason) };
          const stopSequence = str(delta?.stop_sequence);
          if (stopSequence !== undefined) part.stopSequence = stopSequence;
          if (usage !== undefined) part.usage = usage;
          return [part];
        }
        case 'message_stop':
          done = true;
          return [];
        case 'ping':
          return [{ type: 'ping' }];
        case 'error': {
          const type = str(obj(data.error)?.type);
          const status = (type === undefined ? undefined : ERROR_STATUS[type]) ?? 500;
          return [{ type: 'error', error: errorToCanonical(status, data) }];
        }
        default:
          return [];
      }
    },
  };
}

function signaturePart(raw: string): StreamPart {
  const { origin, signature } = untagSignature(raw, 'anthropic');
  return { type: 'reasoning-signature', signature, origin };
}
