import type { FinishReason, StreamPart } from '../canonical.js';
import type { SseEvent, StreamDecoder } from '../codec.js';
import { arr, isRecord, num, obj, parseJson, str } from '../json.js';
import { errorToCanonical } from './errors.js';
import { finishReasonToCanonical } from './finish-reason.js';
import { usageToCanonical } from './usage.js';

/** One tool call of the stream: Chat's `index` → the canonical index and the call id. */
interface OpenCall {
  index: number;
  id: string;
}

/**
 * Decodes a Chat Completions stream (`chat.completion.chunk` objects, then `data: [DONE]`) into canonical
 * parts, one decoder per stream. Only choice 0 is read. Tool calls are tracked by their `index`; a
 * fragment with a new `id` at an index already in use starts a new call (Gemini's compatibility layer
 * reuses index 0). An `{"error":…}` object in the stream becomes an `error` part; a chunk that is not
 * JSON too.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function createStreamDecoder(): StreamDecoder {
  let done = false;
  let started = false;
  let finished = false;
  const calls = new Map<number, OpenCall>();
  let nextCall = 0;
  let sawToolCalls = false;
  let sawRefusal = false;

  /** Ends every open tool call (the choice finished, or the stream did). */
  const closeCalls = (parts: StreamPart[]): StreamPart[] => {
    for (const call of calls.values()) parts.push({ type: 'tool-call-end', index: call.index });
    calls.clear();
    return parts;
  };

  const toolCall = (
    index: number,
    id: string | undefined,
    fn: Record<string, unknown> | undefined,
    parts: StreamPart[],
  ): void => {
    let call = calls.get(index);
    if (call && id !== undefined && id !== '' && id !== call.id) {
      parts.push({ type: 'tool-call-end', index: call.index });
      call = undefined;
    }
    if (!call) {
      call = { index: nextCall++, id: id ?? `call_${nextCall}` };
      calls.set(index, call);
      sawToolCalls = true;
      parts.push({ type: 'tool-call-start', index: call.index, id: call.id, name: str(fn?.name) ?? '' });
    }
    const args = str(fn?.arguments);
    if (args) parts.push({ type: 'tool-call-delta', index: call.index, argumentsDelta: args });
  };

  const delta = (value: Record<string, unknown>, parts: StreamPart[]): void => {
    const reasoning = str(value.reasoning_content) ?? str(value.reasoning);
    if (reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
    const text = str(value.content);
    if (text) parts.push({ type: 'text-delta', text });
    // Chat streams a refusal as its own text; canonically it is text, and the finish says `refusal`.
    const refusal = str(value.refusal);
    if (refusal) {
      sawRefusal = true;
      parts.push({ type: 'text-delta', text: refusal });
    }
    const toolCalls = arr(value.tool_calls);
    for (let i = 0; i < toolCalls.length; i++) {
      const call = obj(toolCalls[i]);
      if (call) toolCall(num(call.index) ?? i, str(call.id), obj(call.function), parts);
    }
    const legacy = obj(value.function_call);
    // The legacy function call has no id or index: its name is its id (as in non-stream bodies).
    if (legacy) toolCall(-1, str(legacy.name), legacy, parts);
  };

  return {
    get done() {
      return done;
    },
    event(event: SseEvent): StreamPart[] {
      const data = event.data;
      if (data === '[DONE]') {
        done = true;
        return finished ? [] : closeCalls([]);
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
      const choices = arr(chunk.choices);
      // A frame with no choices and no usage says nothing to the caller: Azure's content filter
      // annotations (`prompt_filter_results` first, with an empty id and model). It must not start the stream.
      if (choices.length === 0 && (chunk.usage === undefined || chunk.usage === null)) return [];
      const parts: StreamPart[] = [];
      if (!started) {
        started = true;
        const start: StreamPart = { type: 'start', id: str(chunk.id) ?? '', model: str(chunk.model) ?? '' };
        const created = num(chunk.created);
        if (created !== undefined) start.created = created;
        parts.push(start);
      }
      let finish: FinishReason | undefined;
      for (const item of choices) {
        const choice = obj(item);
        if (!choice || (choice.index !== undefined && choice.index !== 0)) continue;
        const value = obj(choice.delta);
        if (value) delta(value, parts);
        const reason = choice.finish_reason;
        if (reason !== undefined && reason !== null && !finished) {
          finish = finishReasonToCanonical(reason, sawToolCalls, sawRefusal);
        }
      }
      const usage = usageToCanonical(chunk.usage);
      if (finish !== undefined) {
        finished = true;
        closeCalls(parts);
        parts.push(usage ? { type: 'finish', finishReason: finish, usage } : { type: 'finish', finishReason: finish });
      } else if (usage) {
        parts.push({ type: 'usage', usage });
      }
      return parts;
    },
  };
}
