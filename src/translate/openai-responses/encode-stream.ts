import type { CanonicalError, FinishReason, ReasoningOrigin, StreamPart } from '../canonical.js';
import type { StreamEncoder, StreamEncoderOptions } from '../codec.js';
import { nowSeconds, resolveContext } from '../context.js';
import type { Usage } from '../dialect.js';
import type { JsonObject } from '../json.js';
import { str } from '../json.js';
import { tagSignature } from '../reasoning.js';
import { errorFromCanonical, responseErrorCode } from './errors.js';
import { finishReasonFromCanonical } from './finish-reason.js';
import { ours } from './metadata.js';
import { itemId, namespaceOf, responseObject } from './response.js';
import type { ResponsesStatus, ResponsesStreamEventType } from './wire-types.js';

interface OpenMessage {
  kind: 'message';
  outputIndex: number;
  id: string;
  text: string;
}

interface OpenReasoning {
  kind: 'reasoning';
  outputIndex: number;
  id: string;
  text: string;
  /** Whether the summary part was opened (only once there is summary text). */
  summary: boolean;
  origin: ReasoningOrigin | undefined;
  signature?: string;
}

interface OpenCall {
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
  namespace?: string;
}

const OUTPUT_TEXT = { type: 'output_text', annotations: [], logprobs: [] } as const;

/**
 * Encodes canonical parts as a Responses SSE stream with OpenAI's exact grammar: `response.created`,
 * `response.in_progress`, then per output item `response.output_item.added` … `response.output_item.done`
 * (with `content_part` / `output_text`, `function_call_arguments` or `reasoning_summary_part` /
 * `reasoning_summary_text` events in between), and last `response.completed` / `response.incomplete`
 * carrying the whole response. Every event has an `event:` line equal to its `type` and a
 * `sequence_number` counting from 0. The terminal event waits for `end()`, because usage may arrive
 * after the finish (OpenAI chat sends it in a later chunk).
 *
 * A stream that ends without a finish, or an `error` part, ends with an `error` event followed by
 * `response.failed`. The `error` event carries the documented flat fields and the nested `error` object
 * OpenAI actually sends; the latter is what makes the OpenAI SDKs raise. A source without a `created`
 * time (Anthropic, Gemini) gets `now()`. `includeUsage` does not apply: Responses always reports usage.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createStreamEncoder(options: StreamEncoderOptions = {}): StreamEncoder {
  const context = resolveContext(options);
  let sequence = 0;
  let started = false;
  let terminated = false;
  let id = '';
  let model = '';
  let created = 0;
  const output: Array<JsonObject | undefined> = [];
  let current: OpenMessage | OpenReasoning | undefined;
  const calls = new Map<number, OpenCall>();
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;

  const emit = (type: ResponsesStreamEventType, fields: JsonObject): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: sequence++ })}\n\n`;

  const snapshot = (
    status: ResponsesStatus,
    incompleteDetails: JsonObject | null,
    error: { code: string; message: string } | null,
  ): JsonObject =>
    responseObject({
      id,
      model,
      createdAt: created,
      status,
      incompleteDetails,
      output: output.filter((item): item is JsonObject => item !== undefined),
      usage: status === 'in_progress' ? undefined : usage,
      error,
    });

  const start = (part?: Extract<StreamPart, { type: 'start' }>): string => {
    if (started) return '';
    started = true;
    id = part?.id || 'resp_switchyard';
    model = part?.model ?? '';
    created = part?.created ?? nowSeconds(context);
    if (part?.usage) usage = part.usage;
    const response = snapshot('in_progress', null, null);
    return emit('response.created', { response }) + emit('response.in_progress', { response });
  };

  const reserve = (): number => {
    output.push(undefined);
    return output.length - 1;
  };

  const openMessage = (): string => {
    const outputIndex = reserve();
    const message: OpenMessage = { kind: 'message', outputIndex, id: itemId('msg', id, outputIndex), text: '' };
    current = message;
    return (
      emit('response.output_item.added', {
        output_index: outputIndex,
        item: { id: message.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
      }) +
      emit('response.content_part.added', {
        item_id: message.id,
        output_index: outputIndex,
        content_index: 0,
        part: { ...OUTPUT_TEXT, text: '' },
      })
    );
  };

  const openReasoning = (origin: ReasoningOrigin | undefined): string => {
    const outputIndex = reserve();
    const reasoning: OpenReasoning = {
      kind: 'reasoning',
      outputIndex,
      id: itemId('rs', id, outputIndex),
      text: '',
      summary: false,
      origin,
    };
    current = reasoning;
    return emit('response.output_item.added', {
      output_index: outputIndex,
      item: { id: reasoning.id, type: 'reasoning', summary: [] },
    });
  };

  const closeCurrent = (): string => {
    const open = current;
    if (!open) return '';
    current = undefined;
    const at = { item_id: open.id, output_index: open.outputIndex };
    let out = '';
    let item: JsonObject;
    if (open.kind === 'message') {
      const part = { ...OUTPUT_TEXT, text: open.text };
      out += emit('response.output_text.done', { ...at, content_index: 0, text: open.text, logprobs: [] });
      out += emit('response.content_part.done', { ...at, content_index: 0, part });
      item = { id: open.id, type: 'message', status: 'completed', content: [part], role: 'assistant' };
    } else {
      const summary = open.summary ? [{ type: 'summary_text', text: open.text }] : [];
      if (open.summary) {
        out += emit('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: open.text });
        out += emit('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: summary[0] });
      }
      item = { id: open.id, type: 'reasoning', summary };
      if (open.signature !== undefined) item.encrypted_content = open.signature;
    }
    output[open.outputIndex] = item;
    return out + emit('response.output_item.done', { output_index: open.outputIndex, item });
  };

  const closeCall = (index: number): string => {
    const call = calls.get(index);
    if (!call) return '';
    calls.delete(index);
    const item = {
      id: call.id,
      type: 'function_call',
      status: 'completed',
      arguments: call.arguments,
      call_id: call.callId,
      name: call.name,
      ...(call.namespace === undefined ? {} : { namespace: call.namespace }),
    };
    output[call.outputIndex] = item;
    return (
      emit('response.function_call_arguments.done', {
        item_id: call.id,
        output_index: call.outputIndex,
        name: call.name,
        arguments: call.arguments,
      }) + emit('response.output_item.done', { output_index: call.outputIndex, item })
    );
  };

  const closeAll = (): string => {
    let out = closeCurrent();
    for (const index of [...calls.keys()]) out += closeCall(index);
    return out;
  };

  const fail = (error: CanonicalError): string => {
    terminated = true;
    const rendered = errorFromCanonical(error).body.error as JsonObject;
    const code = str(rendered.code) ?? str(rendered.type) ?? null;
    return (
      emit('error', { code, message: error.message, param: error.param ?? null, error: rendered }) +
      emit('response.failed', {
        response: snapshot('failed', null, { code: responseErrorCode(error), message: error.message }),
      })
    );
  };

  const complete = (reason: FinishReason): string => {
    const { status, incompleteDetails } = finishReasonFromCanonical(reason);
    if (status === 'failed')
      return fail({ status: 500, kind: 'upstream_error', message: 'The upstream response failed' });
    terminated = true;
    return emit(`response.${status}`, { response: snapshot(status, incompleteDetails, null) });
  };

  return {
    encode(part: StreamPart): string {
      if (terminated) return '';
      if (part.type === 'start') return start(part);
      let out = start();
      switch (part.type) {
        case 'text-delta': {
          if (current?.kind !== 'message') out += closeAll() + openMessage();
          const message = current as OpenMessage;
          message.text += part.text;
          out += emit('response.output_text.delta', {
            item_id: message.id,
            output_index: message.outputIndex,
            content_index: 0,
            delta: part.text,
            logprobs: [],
          });
          return out;
        }
        case 'reasoning-delta': {
          if (current?.kind !== 'reasoning') out += closeAll() + openReasoning(part.origin);
          const reasoning = current as OpenReasoning;
          reasoning.origin ??= part.origin;
          const at = { item_id: reasoning.id, output_index: reasoning.outputIndex, summary_index: 0 };
          if (!reasoning.summary) {
            reasoning.summary = true;
            out += emit('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
          }
          reasoning.text += part.text;
          return out + emit('response.reasoning_summary_text.delta', { ...at, delta: part.text });
        }
        case 'reasoning-signature': {
          if (current?.kind !== 'reasoning') out += closeAll() + openReasoning(part.origin);
          const reasoning = current as OpenReasoning;
          // Tagged with its family so a signature from Anthropic or Gemini is recognised on the next turn.
          reasoning.signature = tagSignature(part.origin ?? reasoning.origin ?? 'openai', part.signature, 'openai');
          return out;
        }
        case 'block-end':
          return out + closeCurrent();
        case 'tool-call-start': {
          out += closeCurrent();
          const outputIndex = reserve();
          const call: OpenCall = {
            outputIndex,
            id: str(ours(part.providerMetadata).itemId) ?? itemId('fc', id, outputIndex),
            callId: part.id,
            name: part.name,
            arguments: '',
          };
          const namespace = namespaceOf(part.providerMetadata).namespace;
          if (namespace !== undefined) call.namespace = namespace;
          calls.set(part.index, call);
          return (
            out +
            emit('response.output_item.added', {
              output_index: outputIndex,
              item: {
                id: call.id,
                type: 'function_call',
                status: 'in_progress',
                arguments: '',
                call_id: call.callId,
                name: call.name,
                ...(namespace === undefined ? {} : { namespace }),
              },
            })
          );
        }
        case 'tool-call-delta': {
          const call = calls.get(part.index);
          if (!call || part.argumentsDelta === '') return out;
          call.arguments += part.argumentsDelta;
          return (
            out +
            emit('response.function_call_arguments.delta', {
              item_id: call.id,
              output_index: call.outputIndex,
              delta: part.argumentsDelta,
            })
          );
        }
        case 'tool-call-end':
          return out + closeCall(part.index);
        case 'usage':
          usage = part.usage;
          return out;
        case 'finish':
          finishReason = part.finishReason;
          if (part.usage) usage = part.usage;
          return out + closeAll();
        case 'error':
          return out + fail(part.error);
        default:
          // ping, and Anthropic redacted thinking (no Responses counterpart).
          return out;
      }
    },
    end(error?: CanonicalError): string {
      if (terminated) return '';
      let out = start();
      if (finishReason !== undefined) return out + closeAll() + complete(finishReason);
      if (error) return out + fail(error);
      out += closeAll();
      return out + complete('stop');
    },
  };
}
