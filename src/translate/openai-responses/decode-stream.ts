import type { StreamPart } from '../canonical.js';
import type { SseEvent, StreamDecoder } from '../codec.js';
import { arr, isRecord, type JsonObject, num, obj, parseJson, str } from '../json.js';
import { untagSignature } from '../reasoning.js';
import { errorToCanonical } from './errors.js';
import { finishReasonToCanonical } from './finish-reason.js';
import { toMetadata } from './metadata.js';
import { usageToCanonical } from './usage.js';

/** What the decoder remembers about one open output item. */
interface OpenItem {
  type: string;
  /** Tool-call index (function calls only). */
  index: number;
  /** Whether any delta was seen, so a `done` event carrying the whole text is not emitted twice. */
  streamed: boolean;
  /** The last summary index seen (reasoning only), to separate summary parts. */
  summaryIndex: number;
}

/**
 * Decodes a Responses SSE stream into canonical parts. Text and reasoning blocks end with their output
 * item; a reasoning item's `encrypted_content` (on `response.output_item.done`) becomes a
 * `reasoning-signature`; `response.completed` / `response.incomplete` / `response.failed` carry the usage
 * and end the stream. Events that carry nothing canonical (annotations, built-in tool progress) are skipped.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createStreamDecoder(): StreamDecoder {
  const items = new Map<string, OpenItem>();
  let toolCalls = 0;
  let functionCall = false;
  let refusal = false;
  let failed = false;
  let done = false;

  // Events are keyed by item id, falling back to the output index for servers that leave the id out.
  const keyOf = (event: JsonObject): string => str(event.item_id) ?? `#${num(event.output_index) ?? 0}`;
  const open = (event: JsonObject, type: string): OpenItem => {
    const key = keyOf(event);
    let item = items.get(key);
    if (!item) {
      item = { type, index: -1, streamed: false, summaryIndex: 0 };
      items.set(key, item);
    }
    return item;
  };

  const decode = (event: JsonObject, type: string): StreamPart[] => {
    switch (type) {
      case 'response.created': {
        const response = obj(event.response) ?? {};
        const start: StreamPart = { type: 'start', id: str(response.id) ?? '', model: str(response.model) ?? '' };
        const created = num(response.created_at);
        if (created !== undefined) start.created = created;
        return [start];
      }
      case 'response.output_item.added':
        return itemAdded(event);
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        const delta = str(event.delta);
        if (type === 'response.refusal.delta') refusal = true;
        open(event, 'message').streamed = true;
        return delta ? [{ type: 'text-delta', text: delta }] : [];
      }
      case 'response.function_call_arguments.delta': {
        const item = items.get(keyOf(event));
        const delta = str(event.delta);
        if (!item || item.index < 0 || !delta) return [];
        item.streamed = true;
        return [{ type: 'tool-call-delta', index: item.index, argumentsDelta: delta }];
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        const delta = str(event.delta);
        const item = open(event, 'reasoning');
        const summaryIndex = num(event.summary_index) ?? num(event.content_index) ?? 0;
        const parts: StreamPart[] = [];
        // Summary parts of one item stay one canonical block (one signature covers them), joined as the
        // non-stream conversion joins them.
        if (item.streamed && summaryIndex !== item.summaryIndex)
          parts.push({ type: 'reasoning-delta', text: '\n\n', origin: 'openai' });
        item.summaryIndex = summaryIndex;
        if (delta) {
          item.streamed = true;
          parts.push({ type: 'reasoning-delta', text: delta, origin: 'openai' });
        }
        return parts;
      }
      case 'response.output_item.done':
        return itemDone(event);
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        return terminal(event, type);
      case 'error': {
        done = true;
        failed = true;
        return [{ type: 'error', error: errorToCanonical(0, event) }];
      }
      case 'keepalive':
        return [{ type: 'ping' }];
      default:
        return [];
    }
  };

  const itemAdded = (event: JsonObject): StreamPart[] => {
    const item = obj(event.item);
    if (!item) return [];
    const type = str(item.type) ?? '';
    const key = str(item.id) ?? `#${num(event.output_index) ?? 0}`;
    const state: OpenItem = { type, index: -1, streamed: false, summaryIndex: 0 };
    items.set(key, state);
    if (type !== 'function_call') return [];
    functionCall = true;
    state.index = toolCalls++;
    const start: StreamPart = {
      type: 'tool-call-start',
      index: state.index,
      id: str(item.call_id) ?? str(item.id) ?? '',
      name: str(item.name) ?? '',
    };
    const metadata = toMetadata({ itemId: str(item.id) });
    if (metadata) start.providerMetadata = metadata;
    const parts: StreamPart[] = [start];
    const args = str(item.arguments);
    if (args) {
      state.streamed = true;
      parts.push({ type: 'tool-call-delta', index: state.index, argumentsDelta: args });
    }
    return parts;
  };

  const itemDone = (event: JsonObject): StreamPart[] => {
    const item = obj(event.item);
    if (!item) return [];
    const key = str(item.id) ?? `#${num(event.output_index) ?? 0}`;
    const state = items.get(key);
    items.delete(key);
    const parts: StreamPart[] = [];
    switch (item.type) {
      case 'message': {
        if (!state?.streamed) {
          for (const part of arr(item.content)) {
            if (!isRecord(part)) continue;
            if (part.type === 'refusal') refusal = true;
            const text = str(part.type === 'refusal' ? part.refusal : part.text);
            if (text) parts.push({ type: 'text-delta', text });
          }
        }
        parts.push({ type: 'block-end' });
        return parts;
      }
      case 'function_call': {
        if (!state || state.index < 0) return [];
        const args = str(item.arguments);
        if (!state.streamed && args) parts.push({ type: 'tool-call-delta', index: state.index, argumentsDelta: args });
        parts.push({ type: 'tool-call-end', index: state.index });
        return parts;
      }
      case 'reasoning': {
        if (!state?.streamed) {
          const texts: string[] = [];
          for (const entry of arr(item.summary)) {
            const text = isRecord(entry) ? str(entry.text) : undefined;
            if (text) texts.push(text);
          }
          if (texts.length > 0) parts.push({ type: 'reasoning-delta', text: texts.join('\n\n'), origin: 'openai' });
        }
        const encrypted = str(item.encrypted_content);
        if (encrypted) {
          const { origin, signature } = untagSignature(encrypted, 'openai');
          parts.push({ type: 'reasoning-signature', signature, origin });
        }
        parts.push({ type: 'block-end' });
        return parts;
      }
      default:
        return [];
    }
  };

  const terminal = (event: JsonObject, type: string): StreamPart[] => {
    done = true;
    const response = obj(event.response) ?? {};
    const parts: StreamPart[] = [];
    const status = type === 'response.failed' ? 'failed' : type === 'response.incomplete' ? 'incomplete' : 'completed';
    if (status === 'failed' && !failed) {
      const error = obj(response.error);
      parts.push({
        type: 'error',
        error: errorToCanonical(0, {
          error: { message: str(error?.message) ?? 'The response failed', code: error?.code },
        }),
      });
    }
    const finishReason = finishReasonToCanonical(status, str(obj(response.incomplete_details)?.reason), {
      functionCall,
      refusal,
    });
    const usage = usageToCanonical(response.usage);
    parts.push(usage ? { type: 'finish', finishReason, usage } : { type: 'finish', finishReason });
    return parts;
  };

  return {
    event(event: SseEvent): StreamPart[] {
      if (event.data === '[DONE]') {
        done = true;
        return [];
      }
      const data = parseJson(event.data);
      if (!isRecord(data)) {
        return [
          {
            type: 'error',
            error: { status: 502, kind: 'upstream_error', message: 'Malformed event in the upstream stream' },
          },
        ];
      }
      const type = str(data.type) ?? event.event ?? '';
      try {
        return decode(data, type);
      } catch {
        // The decoder reads with narrowing helpers and should not throw; this is the contract's last line.
        return [
          { type: 'error', error: { status: 502, kind: 'upstream_error', message: `Could not read '${type}' event` } },
        ];
      }
    },
    get done() {
      return done;
    },
  };
}
