import type {
  AssistantContent,
  CanonicalResponse,
  Converted,
  ProviderMetadata,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  TranslationWarning,
} from '../canonical.js';
import type { Usage } from '../dialect.js';
import { arr, invalid, isRecord, type JsonObject, num, obj, str } from '../json.js';
import { tagSignature } from '../reasoning.js';
import { reasoningToCanonical, summaryOf } from './content.js';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';
import { KEY, ours, toMetadata } from './metadata.js';
import { usageFromCanonical, usageToCanonical } from './usage.js';
import type { ResponsesStatus } from './wire-types.js';

/** Response fields read into canonical fields; every other top-level field is kept for a same-dialect trip. */
const MAPPED = new Set([
  'id',
  'object',
  'created_at',
  'status',
  'model',
  'output',
  'output_text',
  'usage',
  'incomplete_details',
]);

/**
 * A Responses `response` object in canonical form: `message` items become text parts (a refusal is text
 * flagged `refusal`), `function_call` items tool calls (canonical id = `call_id`, the item id kept),
 * `reasoning` items reasoning parts (summary text, `encrypted_content` as an OpenAI signature). Built-in
 * tool items (web search, file search, ...) have no counterpart: kept for OpenAI, with a warning.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function responseToCanonical(body: Record<string, unknown>): Converted<CanonicalResponse> {
  if (!isRecord(body)) invalid('body', 'must be a JSON object');
  const warnings: TranslationWarning[] = [];
  const content: AssistantContent[] = [];
  const builtin: JsonObject[] = [];
  let functionCall = false;
  let refusal = false;
  const output = arr(body.output);
  for (let index = 0; index < output.length; index++) {
    const item = output[index];
    if (!isRecord(item)) continue;
    switch (item.type) {
      case 'message':
        for (const part of messageParts(item)) {
          if (ours(part.providerMetadata).refusal === true) refusal = true;
          content.push(part);
        }
        break;
      case 'function_call': {
        functionCall = true;
        content.push(functionCallToCanonical(item));
        break;
      }
      case 'reasoning':
        content.push(reasoningToCanonical(item));
        break;
      default:
        builtin.push({ index, item });
        warnings.push({
          code: 'dropped-content',
          message: `Output item '${String(item.type)}' has no counterpart outside OpenAI Responses`,
        });
    }
  }
  const incompleteReason = str(obj(body.incomplete_details)?.reason);
  const response: CanonicalResponse = {
    id: str(body.id) ?? '',
    model: str(body.model) ?? '',
    content,
    finishReason: finishReasonToCanonical(str(body.status), incompleteReason, { functionCall, refusal }),
  };
  const created = num(body.created_at);
  if (created !== undefined) response.created = created;
  const usage = usageToCanonical(body.usage);
  if (usage) response.usage = usage;
  const rest: JsonObject = {};
  for (const key in body) if (!MAPPED.has(key)) rest[key] = body[key];
  if (builtin.length > 0) rest.builtinOutput = builtin;
  response.providerMetadata = { [KEY]: rest };
  return { value: response, warnings };
}

function messageParts(item: JsonObject): TextPart[] {
  const messageId = str(item.id);
  const phase = str(item.phase);
  const out: TextPart[] = [];
  for (const part of arr(item.content)) {
    if (!isRecord(part)) continue;
    const isRefusal = part.type === 'refusal';
    const text = str(isRefusal ? part.refusal : part.text) ?? '';
    const annotations = arr(part.annotations);
    const logprobs = arr(part.logprobs);
    const metadata = toMetadata({
      messageId,
      phase,
      refusal: isRefusal || undefined,
      annotations: annotations.length > 0 ? annotations : undefined,
      logprobs: logprobs.length > 0 ? logprobs : undefined,
    });
    out.push(metadata ? { type: 'text', text, providerMetadata: metadata } : { type: 'text', text });
  }
  return out;
}

function functionCallToCanonical(item: JsonObject): ToolCallPart {
  const call: ToolCallPart = {
    type: 'tool-call',
    id: str(item.call_id) ?? str(item.id) ?? '',
    name: str(item.name) ?? '',
    arguments: str(item.arguments) ?? '',
  };
  const metadata = toMetadata({ itemId: str(item.id) });
  if (metadata) call.providerMetadata = metadata;
  return call;
}

/**
 * A canonical response as a Responses `response` object: consecutive text parts form one `message`
 * item, tool calls become `function_call` items, reasoning becomes `reasoning` items whose
 * `encrypted_content` is the signature tagged with its origin (so a signature from Anthropic or Gemini
 * comes back to switchyard recognisable, and is never sent to OpenAI).
 */
export function responseFromCanonical(response: CanonicalResponse): Converted<Record<string, unknown>> {
  const rest = ours(response.providerMetadata);
  const output = outputFromCanonical(response.content, response.id);
  for (const entry of arr(rest.builtinOutput)) {
    const index = num(obj(entry)?.index);
    const item = obj(entry)?.item;
    if (index !== undefined && item !== undefined) output.splice(Math.min(index, output.length), 0, item as JsonObject);
  }
  const { status, incompleteDetails } = finishReasonFromCanonical(response.finishReason);
  const body = responseObject({
    id: response.id,
    model: response.model,
    createdAt: response.created ?? 0,
    status,
    incompleteDetails,
    output,
    usage: response.usage,
    error: status === 'failed' ? { code: 'server_error', message: 'The response failed' } : null,
  });
  for (const key in rest) if (key !== 'builtinOutput') body[key] = rest[key];
  return { value: body, warnings: [] };
}

/** The parts of a Responses `response` object that {@link responseObject} fills in. */
export interface ResponseObjectInput {
  id: string;
  model: string;
  createdAt: number;
  status: ResponsesStatus;
  incompleteDetails: JsonObject | null;
  output: JsonObject[];
  usage: Usage | undefined;
  error: { code: string; message: string } | null;
}

/**
 * A full `response` object with the defaults OpenAI reports for fields a request did not set; the
 * OpenAI SDK types declare them all, so clients read them without checks.
 */
export function responseObject(input: ResponseObjectInput): JsonObject {
  return {
    id: input.id,
    object: 'response',
    created_at: input.createdAt,
    status: input.status,
    error: input.error,
    incomplete_details: input.incompleteDetails,
    instructions: null,
    max_output_tokens: null,
    model: input.model,
    output: input.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: input.usage ? usageFromCanonical(input.usage) : null,
    user: null,
    metadata: {},
  };
}

/** Canonical assistant content as Responses output items (ids made up from `responseId` where unknown). */
export function outputFromCanonical(content: readonly AssistantContent[], responseId: string): JsonObject[] {
  const output: JsonObject[] = [];
  let message: { id: string | undefined; content: JsonObject[] } | undefined;
  for (const part of content) {
    if (part.type === 'text') {
      const meta = ours(part.providerMetadata);
      const id = str(meta.messageId);
      if (!message || (id !== undefined && id !== message.id)) {
        message = { id, content: [] };
        const item: JsonObject = {
          id: id ?? itemId('msg', responseId, output.length),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: message.content,
        };
        if (meta.phase !== undefined) item.phase = meta.phase;
        output.push(item);
      }
      message.content.push(textPartFromCanonical(part));
      continue;
    }
    message = undefined;
    if (part.type === 'tool-call') {
      output.push({
        id: str(ours(part.providerMetadata).itemId) ?? itemId('fc', responseId, output.length),
        type: 'function_call',
        status: 'completed',
        arguments: part.arguments,
        call_id: part.id,
        name: part.name,
        ...namespaceOf(part.providerMetadata),
      });
    } else {
      output.push(reasoningItem(part, responseId, output.length));
    }
  }
  return output;
}

/** One output content part (`output_text` or `refusal`) for a canonical text part. */
export function textPartFromCanonical(part: TextPart): JsonObject {
  const meta = ours(part.providerMetadata);
  if (meta.refusal === true) return { type: 'refusal', refusal: part.text };
  const out: JsonObject = {
    type: 'output_text',
    annotations: Array.isArray(meta.annotations) ? meta.annotations : [],
    text: part.text,
  };
  if (Array.isArray(meta.logprobs)) out.logprobs = meta.logprobs;
  return out;
}

function reasoningItem(part: ReasoningPart, responseId: string, index: number): JsonObject {
  const meta = ours(part.providerMetadata);
  const item: JsonObject = {
    id: part.id ?? itemId('rs', responseId, index),
    type: 'reasoning',
    summary: meta.noSummary === true ? [] : summaryOf(part.text, meta.summary),
  };
  if (Array.isArray(meta.content)) item.content = meta.content;
  if (part.signature !== undefined)
    item.encrypted_content = tagSignature(part.origin ?? 'openai', part.signature, 'openai');
  // Anthropic redacted thinking has no Responses counterpart (it is not an OpenAI signature); it is dropped.
  if (meta.status !== undefined) item.status = meta.status;
  return item;
}

/** A made-up item id (`msg_…`, `fc_…`, `rs_…`) that is stable for a response and an output index. */
export function itemId(prefix: string, responseId: string, index: number): string {
  const base = responseId.replace(/^(resp|msg|chatcmpl)[_-]/, '');
  return `${prefix}_${base}_${index}`;
}

/** `{ namespace }` for a call of a namespaced tool (restored by `restoreToolName`), else nothing. */
export function namespaceOf(metadata: ProviderMetadata | undefined): { namespace?: string } {
  const namespace = str(ours(metadata).namespace);
  return namespace === undefined ? {} : { namespace };
}
