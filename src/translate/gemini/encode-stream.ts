import type { CanonicalError, StreamPart } from '../canonical.js';
import type { StreamEncoder } from '../codec.js';
import type { Usage } from '../dialect.js';
import { argumentsObject, type JsonObject, str } from '../json.js';
import { tagSignature } from '../reasoning.js';
import { geminiErrorFromCanonical } from './errors.js';
import { finishReasonFromCanonical } from './finish-reason.js';
import { ours } from './metadata.js';
import { isSyntheticId } from './tool-call-ids.js';
import { usageFromCanonical } from './usage.js';

interface OpenCall {
  id: string;
  name: string;
  args: string;
  signature?: string;
}

/**
 * Encodes canonical stream parts as `streamGenerateContent?alt=sse` chunks: `data: {...}\n\n`, each a
 * `GenerateContentResponse` with `candidates[0].content` (`role: 'model'`), `modelVersion` and
 * `responseId`.
 * - Text and thinking are sent as they come; a tool call is buffered until `tool-call-end` and sent as
 *   one `functionCall` part with parsed `args`.
 * - A signature waits for the next text or function-call part and rides on it (where Gemini puts it);
 *   signatures of other providers are tagged with their origin.
 * - `finishReason` and `usageMetadata` go on the last chunk, sent by `end()`: usage may arrive after the
 *   finish (OpenAI chat sends it in a chunk of its own).
 * - An `error` part, or `end(error)` before any `finish`, sends `{"error":{code,message,status}}`, which
 *   `@google/genai` raises as an `ApiError`: a cut-off stream never looks complete.
 */
export function createStreamEncoder(): StreamEncoder {
  let id = '';
  let model = '';
  let usage: Usage | undefined;
  let pending: string | undefined;
  /** Set by the `finish` part; the last chunk waits for `end()`, because usage may come after it. */
  let finish: string | undefined;
  let failed = false;
  let ended = false;
  const calls = new Map<number, OpenCall>();

  const chunk = (parts: JsonObject[], finishReason?: string): string => {
    const candidate: JsonObject = parts.length > 0 ? { content: { role: 'model', parts } } : {};
    if (finishReason !== undefined) candidate.finishReason = finishReason;
    candidate.index = 0;
    const body: JsonObject = { candidates: [candidate] };
    if (finishReason !== undefined && usage) body.usageMetadata = usageFromCanonical(usage);
    if (model) body.modelVersion = model;
    if (id) body.responseId = id;
    return `data: ${JSON.stringify(body)}\n\n`;
  };
  const callPart = (call: OpenCall): JsonObject => {
    const fc: JsonObject = { name: call.name, args: argumentsObject(call.args) };
    if (!isSyntheticId(call.id)) fc.id = call.id;
    const signature = pending ?? call.signature;
    pending = undefined;
    return signature === undefined ? { functionCall: fc } : { functionCall: fc, thoughtSignature: signature };
  };
  const fail = (error: CanonicalError): string => {
    failed = true;
    return `data: ${JSON.stringify(geminiErrorFromCanonical(error).body)}\n\n`;
  };

  return {
    encode(part: StreamPart): string {
      if (failed || ended) return '';
      // After the finish only usage still counts (OpenAI chat sends it in a chunk of its own).
      if (finish !== undefined && part.type !== 'usage') return '';
      switch (part.type) {
        case 'start':
          id = part.id;
          model = part.model;
          if (part.usage) usage = part.usage;
          return '';
        case 'text-delta': {
          if (part.text === '' && pending === undefined) return '';
          const text: JsonObject =
            pending === undefined ? { text: part.text } : { text: part.text, thoughtSignature: pending };
          pending = undefined;
          return chunk([text]);
        }
        case 'reasoning-delta': {
          if (part.text === '') return '';
          const parts: JsonObject[] = [];
          // A signature still waiting belongs to the previous thought, which this one follows.
          if (pending !== undefined) parts.push({ text: '', thought: true, thoughtSignature: pending });
          pending = undefined;
          parts.push({ text: part.text, thought: true });
          return chunk(parts);
        }
        case 'reasoning-signature':
          pending = tagSignature(part.origin ?? 'gemini', part.signature, 'gemini');
          return '';
        case 'tool-call-start': {
          const call: OpenCall = { id: part.id, name: part.name, args: '' };
          const signature = str(ours(part.providerMetadata).thoughtSignature);
          if (signature !== undefined) call.signature = signature;
          calls.set(part.index, call);
          return '';
        }
        case 'tool-call-delta': {
          const call = calls.get(part.index);
          if (call) call.args += part.argumentsDelta;
          return '';
        }
        case 'tool-call-end': {
          const call = calls.get(part.index);
          if (!call) return '';
          calls.delete(part.index);
          return chunk([callPart(call)]);
        }
        case 'usage':
          usage = part.usage;
          return '';
        case 'finish':
          if (part.usage) usage = part.usage;
          finish = finishReasonFromCanonical(part.finishReason);
          return '';
        case 'error':
          return fail(part.error);
        case 'reasoning-redacted':
        case 'block-end':
        case 'ping':
          return '';
      }
    },
    end(error?: CanonicalError): string {
      if (ended) return '';
      ended = true;
      if (failed) return '';
      if (finish !== undefined) {
        const parts: JsonObject[] = [];
        for (const index of [...calls.keys()].sort((a, b) => a - b)) {
          const call = calls.get(index);
          if (call) parts.push(callPart(call));
        }
        calls.clear();
        if (pending !== undefined) parts.push({ text: '', thoughtSignature: pending });
        pending = undefined;
        return chunk(parts, finish);
      }
      return fail(
        error ?? { status: 502, kind: 'upstream_error', message: 'The stream ended before the model finished' },
      );
    },
  };
}
