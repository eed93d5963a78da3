import { dropAnthropicOnly } from '../anthropic-only.js';
import type {
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  Converted,
  FromCanonicalOptions,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  TranslationWarning,
} from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, num, obj, str } from '../json.js';
import { budgetToEffort } from '../reasoning.js';
import { flattenToolName } from '../tool-names.js';
import { requireString } from './convert-content.js';
import { inputToMessages, messagesToInput } from './convert-input.js';
import { KEY, ours } from './metadata.js';

/**
 * Request fields with no canonical counterpart, kept in `providerMetadata['openai-responses']` so a
 * same-dialect trip restores them. Most are about state or billing at OpenAI and mean nothing elsewhere.
 */
const KEPT = [
  'previous_response_id',
  'conversation',
  'store',
  'include',
  'truncation',
  'prompt_cache_key',
  'prompt_cache_retention',
  'metadata',
  'service_tier',
  'background',
  'prompt',
  'top_logprobs',
  'max_tool_calls',
  'stream_options',
  'safety_identifier',
  'client_metadata',
] as const;

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
  for (const key of KEPT) if (body[key] !== undefined && body[key] !== null) kept[key] = body[key];

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

  const reasoning = reasoningToCanonical(body.reasoning);
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

function toolsToCanonical(value: unknown, kept: JsonObject, warnings: TranslationWarning[]): CanonicalTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid('tools', 'must be an array');
  const tools: CanonicalTool[] = [];
  const builtin: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    if (!isRecord(tool)) invalid(`tools[${i}]`, 'must be an object');
    if (tool.type === 'namespace') {
      builtin.push(tool);
      tools.push(...namespaceToCanonical(tool, `tools[${i}]`, warnings));
      continue;
    }
    if (tool.type !== 'function') {
      builtin.push(tool);
      warnings.push({
        code: 'unsupported-tool',
        message: `Built-in tool '${String(tool.type)}' is only honoured by an OpenAI Responses upstream`,
      });
      continue;
    }
    const out: CanonicalTool = {
      name: requireString(tool.name, `tools[${i}].name`),
      parameters: obj(tool.parameters) ?? { type: 'object', properties: {} },
    };
    const description = str(tool.description);
    if (description !== undefined) out.description = description;
    if (typeof tool.strict === 'boolean') out.strict = tool.strict;
    tools.push(out);
  }
  if (builtin.length > 0) kept.builtinTools = builtin;
  return tools;
}

/**
 * A `namespace` tool's function tools, flattened (`<namespace>__<name>`, see `flattenToolName`) for the
 * dialects that have no namespaces; each remembers its namespace so a Responses target regroups them.
 * Custom (free-form) tools inside have no counterpart elsewhere: dropped with `dropped-tool`.
 */
function namespaceToCanonical(tool: JsonObject, field: string, warnings: TranslationWarning[]): CanonicalTool[] {
  const namespace = requireString(tool.name, `${field}.name`);
  const inner = tool.tools;
  if (!Array.isArray(inner)) invalid(`${field}.tools`, 'must be an array');
  const out: CanonicalTool[] = [];
  for (let j = 0; j < inner.length; j++) {
    const fn: unknown = inner[j];
    if (!isRecord(fn)) invalid(`${field}.tools[${j}]`, 'must be an object');
    if (fn.type !== 'function') {
      warnings.push({
        code: 'dropped-tool',
        message: `Tool '${String(fn.type)}' in namespace '${namespace}' has no counterpart outside OpenAI Responses`,
      });
      continue;
    }
    const name = requireString(fn.name, `${field}.tools[${j}].name`);
    const converted: CanonicalTool = {
      name: flattenToolName(namespace, name),
      parameters: obj(fn.parameters) ?? { type: 'object', properties: {} },
      providerMetadata: { [KEY]: { namespace } },
    };
    const description = str(fn.description) ?? str(tool.description);
    if (description !== undefined) converted.description = description;
    if (typeof fn.strict === 'boolean') converted.strict = fn.strict;
    out.push(converted);
  }
  return out;
}

function toolChoiceToCanonical(
  value: unknown,
  kept: JsonObject,
  warnings: TranslationWarning[],
): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (!isRecord(value)) invalid('tool_choice', "must be 'auto', 'none', 'required' or an object");
  if (value.type === 'function') return { type: 'tool', name: requireString(value.name, 'tool_choice.name') };
  // allowed_tools, a built-in tool type, mcp, custom: kept for OpenAI, plain `auto` elsewhere.
  kept.toolChoice = value;
  warnings.push({
    code: 'unsupported-setting',
    message: `tool_choice '${String(value.type)}' is only honoured by an OpenAI Responses upstream; others get 'auto'`,
  });
  return { type: 'auto' };
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

function reasoningToCanonical(value: unknown): ReasoningConfig | undefined {
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

/**
 * A canonical request as a Responses request body. What Responses cannot say (stop sequences, top_k,
 * seed, penalties) is dropped with a warning; reasoning from another provider family is never sent as a
 * reasoning item (dropped, or plain text with `foreignThinking: 'text'`). A request from another dialect
 * that asks for reasoning gets `store: false` and `include: ['reasoning.encrypted_content']`, so the
 * reasoning comes back encrypted and the next turn can replay it without server-side state.
 */
export function requestFromCanonical(
  request: CanonicalRequest,
  options: FromCanonicalOptions,
): Converted<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const meta = request.providerMetadata?.[KEY];
  const sameDialect = meta !== undefined;
  const kept = meta ?? {};
  const { instructions, input } = messagesToInput(
    request.messages,
    options,
    sameDialect && kept.store !== false,
    warnings,
  );

  const body: JsonObject = {};
  if (request.model !== undefined) body.model = request.model;
  if (instructions !== undefined) body.instructions = instructions;
  body.input = input;

  // Namespaced tools travel inside their `namespace` tool, restored from the kept built-in tools.
  const tools: unknown[] = (request.tools ?? [])
    .filter((tool) => !sameDialect || ours(tool.providerMetadata).namespace === undefined)
    .map((tool) => {
      const out: JsonObject = { type: 'function', name: tool.name };
      if (tool.description !== undefined) out.description = tool.description;
      out.parameters = tool.parameters;
      // Responses makes function tools strict by default, which rejects most schemas written for other APIs.
      if (tool.strict !== undefined || !sameDialect) out.strict = tool.strict ?? false;
      return out;
    });
  tools.push(...arr(kept.builtinTools));
  if (tools.length > 0) body.tools = tools;
  if (kept.toolChoice !== undefined) body.tool_choice = kept.toolChoice;
  else if (request.toolChoice) {
    body.tool_choice =
      request.toolChoice.type === 'tool'
        ? { type: 'function', name: request.toolChoice.name }
        : request.toolChoice.type;
  }
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;

  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;

  const text: JsonObject = {};
  if (request.responseFormat) text.format = formatFromCanonical(request.responseFormat);
  if (kept.verbosity !== undefined) text.verbosity = kept.verbosity;
  if (Object.keys(text).length > 0) body.text = text;

  const reasoning = reasoningFromCanonical(request.reasoning);
  if (reasoning) body.reasoning = reasoning;

  const { dropUser } = dropAnthropicOnly(request, 'OpenAI Responses', warnings);
  if (request.user !== undefined && !dropUser && request.user !== kept.safety_identifier) body.user = request.user;
  if (request.stream) body.stream = true;

  for (const key of KEPT) if (kept[key] !== undefined) body[key] = kept[key];
  if (!sameDialect && reasoning && reasoning.effort !== 'none') {
    body.store = false;
    body.include = ['reasoning.encrypted_content'];
  }

  for (const [field, present] of [
    ['stop sequences', request.stopSequences !== undefined && request.stopSequences.length > 0],
    ['top_k', request.topK !== undefined],
    ['seed', request.seed !== undefined],
    ['presence_penalty', request.presencePenalty !== undefined],
    ['frequency_penalty', request.frequencyPenalty !== undefined],
  ] as const) {
    if (present) warnings.push({ code: 'unsupported-setting', message: `OpenAI Responses has no ${field}; dropped` });
  }
  return { value: body, warnings };
}

function formatFromCanonical(format: ResponseFormat): JsonObject {
  if (format.type === 'text') return { type: 'text' };
  if (!format.schema) return { type: 'json_object' };
  const out: JsonObject = { type: 'json_schema', name: format.name ?? 'response', schema: format.schema };
  if (format.description !== undefined) out.description = format.description;
  if (format.strict !== undefined) out.strict = format.strict;
  return out;
}

function reasoningFromCanonical(reasoning: ReasoningConfig | undefined): JsonObject | undefined {
  if (!reasoning) return undefined;
  const out: JsonObject = {};
  if (reasoning.effort !== undefined) out.effort = reasoning.effort;
  else if (reasoning.enabled && reasoning.budgetTokens !== undefined)
    out.effort = budgetToEffort(reasoning.budgetTokens);
  // `enabled: false` without an effort (thinking turned off elsewhere) sends nothing: `effort: 'none'`
  // is refused by the o-series models, and leaving reasoning out is the closest match everywhere.
  if (!reasoning.enabled && reasoning.effort === undefined) return undefined;
  const summary = reasoning.summary ?? (reasoning.includeThoughts ? 'auto' : undefined);
  if (summary !== undefined) out.summary = summary;
  return Object.keys(out).length > 0 ? out : undefined;
}
