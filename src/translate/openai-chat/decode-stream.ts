import type { FinishReason, StreamPart } from '../canonical.js';
import type { SseEvent, StreamDecoder } from '../codec.js';
import { arr, isRecord, num, obj, parseJson, str } from '../json.js';
import { errorToCanonical } from './errors.js';
import { finishReasonToCanonical } from './map-finish-reason.js';
import { usageToCanonical } from './usage.js';

/** One tool call of the stream: Chat's `index` → the canonical index and the call id. */
interface OpenCall {
  index: number;
  id: string;
}

/**
 * Decodes a Chat Completions stream (`chat.completion.chunk` objects, then `data: [DONE]`) into canonical
 * parts. Only choice 0 is read. Tool calls are tracked by their `index`; a fragment with a new `id` at an
 * index already in use starts a new call (Gemini's compatibility layer reuses index 0). An `{"error":…}`
 * object in the stream becomes an `error` part; a chunk that is not JSON too.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class OpenAIChatStreamDecoder implements StreamDecoder {
  #done = false;
  #started = false;
  #finished = false;
  #calls = new Map<number, OpenCall>();
  #nextCall = 0;
  #sawToolCalls = false;
  #sawRefusal = false;

  get done(): boolean {
    return this.#done;
  }

  event(event: SseEvent): StreamPart[] {
    const data = event.data;
    if (data === '[DONE]') {
      this.#done = true;
      return this.#finished ? [] : this.#closeCalls([]);
    }
    const chunk = parseJson(data);
    if (!isRecord(chunk)) {
      if (data.trim() === '') return [];
      return [
        {
          type: 'error',
          error: { status: 502, kind: 'upstream_error', message: 'Malformed chunk in the upstream stream' },
        },
      ];
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      return [{ type: 'error', error: errorToCanonical(num(obj(chunk.error)?.status) ?? 200, chunk) }];
    }
    const parts: StreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      const start: StreamPart = { type: 'start', id: str(chunk.id) ?? '', model: str(chunk.model) ?? '' };
      const created = num(chunk.created);
      if (created !== undefined) start.created = created;
      parts.push(start);
    }
    let finish: FinishReason | undefined;
    for (const item of arr(chunk.choices)) {
      const choice = obj(item);
      if (!choice || (choice.index !== undefined && choice.index !== 0)) continue;
      const delta = obj(choice.delta);
      if (delta) this.#delta(delta, parts);
      const reason = choice.finish_reason;
      if (reason !== undefined && reason !== null && !this.#finished) {
        finish = finishReasonToCanonical(reason, this.#sawToolCalls, this.#sawRefusal);
      }
    }
    const usage = usageToCanonical(chunk.usage);
    if (finish !== undefined) {
      this.#finished = true;
      this.#closeCalls(parts);
      parts.push(usage ? { type: 'finish', finishReason: finish, usage } : { type: 'finish', finishReason: finish });
    } else if (usage) {
      parts.push({ type: 'usage', usage });
    }
    return parts;
  }

  #delta(delta: Record<string, unknown>, parts: StreamPart[]): void {
    const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
    if (reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
    const text = str(delta.content);
    if (text) parts.push({ type: 'text-delta', text });
    // Chat streams a refusal as its own text; canonically it is text, and the finish says `refusal`.
    const refusal = str(delta.refusal);
    if (refusal) {
      this.#sawRefusal = true;
      parts.push({ type: 'text-delta', text: refusal });
    }
    const calls = arr(delta.tool_calls);
    for (let i = 0; i < calls.length; i++) {
      const call = obj(calls[i]);
      if (call) this.#toolCall(num(call.index) ?? i, str(call.id), obj(call.function), parts);
    }
    const legacy = obj(delta.function_call);
    // The legacy function call has no id or index: its name is its id (as in non-stream bodies).
    if (legacy) this.#toolCall(-1, str(legacy.name), legacy, parts);
  }

  #toolCall(index: number, id: string | undefined, fn: Record<string, unknown> | undefined, parts: StreamPart[]): void {
    let call = this.#calls.get(index);
    if (call && id !== undefined && id !== '' && id !== call.id) {
      parts.push({ type: 'tool-call-end', index: call.index });
      call = undefined;
    }
    if (!call) {
      call = { index: this.#nextCall++, id: id ?? `call_${this.#nextCall}` };
      this.#calls.set(index, call);
      this.#sawToolCalls = true;
      parts.push({ type: 'tool-call-start', index: call.index, id: call.id, name: str(fn?.name) ?? '' });
    }
    const args = str(fn?.arguments);
    if (args) parts.push({ type: 'tool-call-delta', index: call.index, argumentsDelta: args });
  }

  /** Ends every open tool call (the choice finished, or the stream did). */
  #closeCalls(parts: StreamPart[]): StreamPart[] {
    for (const call of this.#calls.values()) parts.push({ type: 'tool-call-end', index: call.index });
    this.#calls.clear();
    return parts;
  }
}

/** A decoder for one Chat Completions stream. */
export function createStreamDecoder(): StreamDecoder {
  return new OpenAIChatStreamDecoder();
}
