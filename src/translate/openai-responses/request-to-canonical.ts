import type {
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolCallPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, num, obj, str } from '../json.js';
import { flattenToolName } from '../tool-names.js';
import { inputPartToCanonical, reasoningToCanonical, requireString } from './content.js';
import { KEPT_REQUEST_FIELDS, KEY, toMetadata } from './metadata.js';
import { toolChoiceToCanonical, toolsToCanonical } from './tools.js';

const EFFORTS: ReadonlySet<string> = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

/**
 * A Responses request body (`POST /v1/responses`) in canonical form. Throws `InvalidRequestError` naming
 * the field for input that cannot be represented; built-in tools and server-side conversation state
 * (`previous_response_id`, `conversation`, `prompt`) come back as warnings because only an OpenAI
 * Responses upstream can honour them.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function requestToCanonical(body: Record<string, unknown>): Converted<CanonicalRequest> {
  if (!isRecord(body)) invalid('body', 'must be a JSON object');
  const warnings: TranslationWarning[] = [];
  const kept: JsonObject = {};
  for (const key of KEPT_REQUEST_FIELDS) if (body[key] !== undefined && body[key] !== null) kept[key] = body[key];

  const messages: CanonicalMessage[] = [];
  const instructions = body.instructions;
  if (typeof instructions === 'string') {
    if (instructions !== '') {
      messages.push({
        role: 'system',
        content: [{ type: 'text', text: instructions }],
        providerMetadata: { [KEY]: { instructions: true } },
      });
    }
  } else if (instructions !== undefined && instructions !== null) {
    invalid('instructions', 'must be a string');
  }
  messages.push(...inputToMessages(body.input, warnings));

  const request: CanonicalRequest = { messages };
  const model = optional(body.model, 'model', str, 'a string');
  if (model !== undefined) request.model = model;

  const tools = toolsToCanonical(body.tools, kept, warnings);
  if (tools.length > 0) request.tools = tools;
  const toolChoice = toolChoiceToCanonical(body.tool_choice, kept, warnings);
  if (toolChoice) request.toolChoice = toolChoice;
  const parallel = optional(body.parallel_tool_calls, 'parallel_tool_calls', bool, 'a boolean');
  if (parallel !== undefined) request.parallelToolCalls = parallel;

  const maxOutputTokens = optional(body.max_output_tokens, 'max_output_tokens', num, 'a number');
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = optional(body.temperature, 'temperature', num, 'a number');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optional(body.top_p, 'top_p', num, 'a number');
  if (topP !== undefined) request.topP = topP;

  const text = obj(body.text);
  const format = responseFormatToCanonical(text?.format);
  if (format) request.responseFormat = format;
  if (text?.verbosity !== undefined && text.verbosity !== null) kept.verbosity = text.verbosity;

  const reasoning = reasoningConfigToCanonical(body.reasoning);
  if (reasoning) request.reasoning = reasoning;

  const user = optional(body.user, 'user', str, 'a string');
  const safetyIdentifier = str(body.safety_identifier);
  if (user !== undefined) request.user = user;
  else if (safetyIdentifier !== undefined) request.user = safetyIdentifier;

  const stream = optional(body.stream, 'stream', bool, 'a boolean');
  if (stream !== undefined) request.stream = stream;

  if (kept.previous_response_id !== undefined || kept.conversation !== undefined || kept.prompt !== undefined) {
    warnings.push({
      code: 'server-side-state',
      message:
        'previous_response_id / conversation / prompt refer to state stored at OpenAI; an upstream other than OpenAI Responses sees only this request',
    });
  }
  request.providerMetadata = { [KEY]: kept };
  return { value: request, warnings };
}

function optional<T>(
  value: unknown,
  field: string,
  read: (value: unknown) => T | undefined,
  what: string,
): T | undefined {
  if (value === undefined || value === null) return undefined;
  const out = read(value);
  if (out === undefined) invalid(field, `must be ${what}`);
  return out;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function responseFormatToCanonical(value: unknown): ResponseFormat | undefined {
  const format = obj(value);
  switch (format?.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const out: ResponseFormat = { type: 'json' };
      const schema = obj(format.schema);
      if (schema) out.schema = schema;
      const name = str(format.name);
      if (name !== undefined) out.name = name;
      const description = str(format.description);
      if (description !== undefined) out.description = description;
      if (typeof format.strict === 'boolean') out.strict = format.strict;
      return out;
    }
    default:
      return undefined;
  }
}

function reasoningConfigToCanonical(value: unknown): ReasoningConfig | undefined {
  const reasoning = obj(value);
  if (!reasoning) return undefined;
  const effort = str(reasoning.effort);
  const summary = str(reasoning.summary) ?? str(reasoning.generate_summary);
  if (effort === undefined && summary === undefined) return undefined;
  const out: ReasoningConfig = { enabled: effort !== 'none' };
  if (effort !== undefined && EFFORTS.has(effort)) out.effort = effort as ReasoningEffort;
  if (summary !== undefined) {
    out.summary = summary;
    out.includeThoughts = summary !== 'none';
  }
  return out;
}

type ToolMessage = Extract<CanonicalMessage, { role: 'tool' }>;
type AssistantMessage = Extract<CanonicalMessage, { role: 'assistant' }>;

/**
 * Responses `input` (a string, or a list of items) as canonical messages. Consecutive assistant-side
 * items (assistant messages, `reasoning`, `function_call`) merge into one assistant turn, consecutive
 * `function_call_output` items into one `tool` message, as the other dialects want them.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
function inputToMessages(input: unknown, warnings: TranslationWarning[]): CanonicalMessage[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) invalid('input', 'must be a string or an array of items');
  const messages: CanonicalMessage[] = [];
  const names = new Map<string, string>();
  let assistant: AssistantMessage | undefined;
  let tool: ToolMessage | undefined;
  const assistantTurn = (): AssistantMessage => {
    tool = undefined;
    if (!assistant) {
      assistant = { role: 'assistant', content: [] };
      messages.push(assistant);
    }
    return assistant;
  };
  const other = (message: CanonicalMessage) => {
    assistant = undefined;
    tool = undefined;
    messages.push(message);
  };

  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    const field = `input[${i}]`;
    if (!isRecord(item)) invalid(field, 'must be an object');
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'assistant') {
          assistantTurn().content.push(...assistantContent(item, field));
        } else if (role === 'user') {
          other({ role: 'user', content: userContent(item.content, `${field}.content`, warnings) });
        } else if (role === 'system' || role === 'developer') {
          const content = userContent(item.content, `${field}.content`, warnings).filter(
            (part): part is TextPart => part.type === 'text',
          );
          other({ role: 'system', content, providerMetadata: { 'openai-responses': { role } } });
        } else {
          invalid(`${field}.role`, "must be 'user', 'assistant', 'system' or 'developer'");
        }
        break;
      }
      case 'function_call': {
        const local = requireString(item.name, `${field}.name`);
        const namespace = str(item.namespace);
        const call: ToolCallPart = {
          type: 'tool-call',
          id: requireString(item.call_id, `${field}.call_id`),
          // A namespaced tool's call goes to other dialects under the flattened name it was declared as.
          name: namespace === undefined ? local : flattenToolName(namespace, local),
          arguments: argumentsText(item.arguments),
        };
        const metadata = toMetadata({ itemId: str(item.id), namespace, localName: namespace && local });
        if (metadata) call.providerMetadata = metadata;
        names.set(call.id, call.name);
        assistantTurn().content.push(call);
        break;
      }
      case 'function_call_output': {
        const callId = requireString(item.call_id, `${field}.call_id`);
        const result: ToolResultPart = {
          type: 'tool-result',
          toolCallId: callId,
          content: toolOutput(item.output, `${field}.output`, warnings),
        };
        const name = names.get(callId);
        if (name !== undefined) result.name = name;
        const metadata = toMetadata({ itemId: str(item.id) });
        if (metadata) result.providerMetadata = metadata;
        assistant = undefined;
        if (!tool) {
          tool = { role: 'tool', content: [] };
          messages.push(tool);
        }
        tool.content.push(result);
        break;
      }
      case 'reasoning':
        assistantTurn().content.push(reasoningToCanonical(item));
        break;
      default:
        warnings.push({
          code: 'dropped-content',
          message: `Input item '${String(type)}' at ${field} has no canonical counterpart and was dropped`,
        });
    }
  }
  return messages;
}

function userContent(content: unknown, field: string, warnings: TranslationWarning[]): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) invalid(field, 'must be a string or an array of content parts');
  const out: UserContent[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = inputPartToCanonical(content[j], `${field}[${j}]`, warnings);
    if (part) out.push(part);
  }
  return out;
}

function assistantContent(item: JsonObject, field: string): TextPart[] {
  const messageId = str(item.id);
  const phase = str(item.phase);
  const content = item.content;
  if (typeof content === 'string') {
    const part: TextPart = { type: 'text', text: content };
    const metadata = toMetadata({ messageId, phase });
    if (metadata) part.providerMetadata = metadata;
    return [part];
  }
  if (!Array.isArray(content)) invalid(`${field}.content`, 'must be a string or an array of content parts');
  const out: TextPart[] = [];
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    const partField = `${field}.content[${j}]`;
    if (!isRecord(part)) invalid(partField, 'must be an object');
    const refusal = part.type === 'refusal';
    const text = requireString(refusal ? part.refusal : part.text, `${partField}.${refusal ? 'refusal' : 'text'}`);
    const annotations = arr(part.annotations);
    const metadata = toMetadata({
      messageId,
      phase,
      refusal: refusal || undefined,
      annotations: annotations.length > 0 ? annotations : undefined,
    });
    out.push(metadata ? { type: 'text', text, providerMetadata: metadata } : { type: 'text', text });
  }
  return out;
}

function toolOutput(
  output: unknown,
  field: string,
  warnings: TranslationWarning[],
): string | Array<Exclude<UserContent, never>> {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) invalid(field, 'must be a string or an array of content parts');
  const out: UserContent[] = [];
  for (let j = 0; j < output.length; j++) {
    const part = inputPartToCanonical(output[j], `${field}[${j}]`, warnings);
    if (part) out.push(part);
  }
  return out;
}

function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  // Lenient: some clients send the arguments as an object.
  return isRecord(value) ? JSON.stringify(value) : '';
}
