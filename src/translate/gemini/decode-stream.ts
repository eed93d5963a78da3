import type { StreamPart } from '../canonical.js';
import type { ResponseContext, SseEvent, StreamDecoder } from '../codec.js';
import { arr, isRecord, num, obj, parseJson, str } from '../json.js';
import { untagSignature } from '../reasoning.js';
import { geminiErrorToCanonical } from './errors.js';
import { get } from './fields.js';
import { finishReasonToCanonical } from './finish-reason.js';
import { restoreFunctionName } from './function-names.js';
import { responseCallId } from './tool-call-ids.js';
import { usageToCanonical } from './usage.js';

/**
 * Decodes `streamGenerateContent?alt=sse`, where every `data:` line is a whole `GenerateContentResponse`:
 * - the first chunk opens the stream (`start`, with `responseId` and `modelVersion`);
 * - text parts → `text-delta`; thought parts → `reasoning-delta`;
 * - a `thoughtSignature` → `reasoning-signature` (origin from its tag, else `gemini`) then `block-end`:
 *   on a thought part it closes that thought; on a function call or text part it comes first, so the
 *   signature signs the reasoning before the call, as in the non-stream form;
 * - function calls arrive whole → `tool-call-start`, one `tool-call-delta` with the JSON arguments,
 *   `tool-call-end`;
 * - a chunk with `finishReason` (or a blocked prompt) → `finish` with its usage, and the stream is done
 *   (Gemini sends no `[DONE]`); `usageMetadata` on earlier chunks → `usage`;
 * - `{"error": {...}}` → an `error` part; unparseable data → an `error` part, never a throw.
 */
export function createStreamDecoder(context: ResponseContext = {}): StreamDecoder {
  const declared = context.toolNames;
  let started = false;
  let done = false;
  let calls = 0;
  let reasoningOpen = false;
  let responseId: string | undefined;

  const event = (sse: SseEvent): StreamPart[] => {
    const data = sse.data.trim();
    if (data === '' || data === '[DONE]') return [];
    const value = parseJson(data);
    if (!isRecord(value)) {
      return [
        {
          type: 'error',
          error: {
            status: 502,
            kind: 'upstream_error',
            message: 'Gemini sent a stream chunk that is not a JSON object',
          },
        },
      ];
    }
    const error = obj(value.error);
    if (error) return [{ type: 'error', error: geminiErrorToCanonical(num(error.code) ?? 500, value) }];

    const out: StreamPart[] = [];
    responseId ??= str(value.responseId);
    if (!started) {
      started = true;
      out.push({ type: 'start', id: responseId ?? 'gemini-stream', model: str(value.modelVersion) ?? '' });
    }
    const candidate = obj(arr(value.candidates)[0]);
    for (const part of arr(obj(candidate?.content)?.parts)) {
      if (!isRecord(part)) continue;
      const raw = str(get(part, 'thoughtSignature'));
      const signed = raw === undefined ? undefined : untagSignature(raw, 'gemini');
      if (part.thought === true) {
        const text = str(part.text) ?? '';
        if (text !== '') {
          out.push({ type: 'reasoning-delta', text, origin: signed?.origin ?? 'gemini' });
          reasoningOpen = true;
        }
        if (signed) {
          out.push({ type: 'reasoning-signature', signature: signed.signature, origin: signed.origin });
          out.push({ type: 'block-end' });
          reasoningOpen = false;
        }
        continue;
      }
      if (signed) {
        out.push({ type: 'reasoning-signature', signature: signed.signature, origin: signed.origin });
        out.push({ type: 'block-end' });
        reasoningOpen = false;
      } else if (reasoningOpen) {
        out.push({ type: 'block-end' });
        reasoningOpen = false;
      }
      const text = str(part.text);
      const call = obj(get(part, 'functionCall'));
      if (text !== undefined) {
        if (text !== '') out.push({ type: 'text-delta', text });
      } else if (call) {
        const returned = str(call.name) ?? '';
        const name = declared ? restoreFunctionName(returned, declared) : returned;
        const args = isRecord(call.args) ? JSON.stringify(call.args) : '{}';
        const index = calls++;
        out.push({
          type: 'tool-call-start',
          index,
          id: str(call.id) ?? responseCallId(responseId, index, name, args),
          name,
        });
        out.push({ type: 'tool-call-delta', index, argumentsDelta: args });
        out.push({ type: 'tool-call-end', index });
      }
    }

    const usage = usageToCanonical(value.usageMetadata);
    const finish = str(candidate?.finishReason);
    const blocked = !candidate && str(obj(value.promptFeedback)?.blockReason) !== undefined;
    if ((finish !== undefined || blocked) && !done) {
      done = true;
      const finishReason = blocked ? 'content_filter' : finishReasonToCanonical(finish, calls > 0);
      out.push(usage ? { type: 'finish', finishReason, usage } : { type: 'finish', finishReason });
    } else if (usage) out.push({ type: 'usage', usage });
    return out;
  };

  return {
    event,
    get done() {
      return done;
    },
  };
}
