import { dropAnthropicOnly } from '../anthropic-only.js';
import type {
  CanonicalRequest,
  CanonicalTool,
  Converted,
  FromCanonicalOptions,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  TranslationWarning,
} from '../canonical.js';
import { compact, invalid, isRecord, obj, str } from '../json.js';
import { budgetToEffort, providerFamily } from '../reasoning.js';
import { messagesFromCanonical, messagesToCanonical } from './convert-messages.js';

type Json = Record<string, unknown>;

/** Request fields read into the canonical form; every other field rides in `providerMetadata['openai-chat']`. */
const KNOWN = new Set([
  'model',
  'messages',
  'tools',
  'functions',
  'tool_choice',
  'function_call',
  'parallel_tool_calls',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'reasoning_effort',
  'user',
  'stream',
  'stream_options',
]);

const EFFORTS: ReadonlySet<string> = new Set<ReasoningEffort>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

function number(body: Json, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(key, 'must be a number');
  return value;
}

function boolean(body: Json, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') invalid(key, 'must be a boolean');
  return value;
}

function string(body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(key, 'must be a string');
  return value;
}

/**
 * A Chat Completions request body → canonical. Reads `max_completion_tokens` or `max_tokens`, `stop` as
 * a string or an array, legacy `functions` / `function_call` as tools, `reasoning_effort`, and `user`
 * (or `safety_identifier`). Fields with no canonical counterpart are kept in
 * `providerMetadata['openai-chat']` so a Chat → canonical → Chat trip keeps them.
 * Throws `InvalidRequestError` naming the field for input that cannot be represented.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function requestToCanonical(body: Json): Converted<CanonicalRequest> {
  if (!isRecord(body)) invalid('body', 'must be a JSON object');
  const warnings: TranslationWarning[] = [];
  if (!Array.isArray(body.messages)) invalid('messages', 'must be an array');
  const request: CanonicalRequest = { messages: messagesToCanonical(body.messages) };
  const model = string(body, 'model');
  if (model !== undefined) request.model = model;

  const tools = toolsToCanonical(body, warnings);
  if (tools) request.tools = tools;
  const toolChoice = toolChoiceToCanonical(body, warnings);
  if (toolChoice) request.toolChoice = toolChoice;
  const parallel = boolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;

  const maxTokens = number(body, 'max_completion_tokens') ?? number(body, 'max_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = number(body, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = number(body, 'top_p');
  if (topP !== undefined) request.topP = topP;
  // Not OpenAI's, but vLLM, OpenRouter and others take it on the same endpoint.
  const topK = number(body, 'top_k');
  if (topK !== undefined) request.topK = topK;
  const stop = stopToCanonical(body.stop);
  if (stop) request.stopSequences = stop;
  const seed = number(body, 'seed');
  if (seed !== undefined) request.seed = seed;
  const presence = number(body, 'presence_penalty');
  if (presence !== undefined) request.presencePenalty = presence;
  const frequency = number(body, 'frequency_penalty');
  if (frequency !== undefined) request.frequencyPenalty = frequency;
  const format = responseFormatToCanonical(body.response_format);
  if (format) request.responseFormat = format;

  const effort = string(body, 'reasoning_effort');
  if (effort !== undefined) {
    if (!EFFORTS.has(effort)) invalid('reasoning_effort', `'${effort}' is not a known effort`);
    request.reasoning = { enabled: effort !== 'none', effort: effort as ReasoningEffort };
  }
  // `safety_identifier` replaces the deprecated `user`; when only it is given it also stays in the
  // metadata (as an unknown field), so the way back writes it under its own name.
  const user = string(body, 'user') ?? str(body.safety_identifier);
  if (user !== undefined) request.user = user;

  const stream = boolean(body, 'stream');
  if (stream !== undefined) request.stream = stream;
  const extra: Json = {};
  if (body.stream_options !== undefined && body.stream_options !== null) {
    const options = obj(body.stream_options);
    if (!options) invalid('stream_options', 'must be an object');
    const { include_usage: includeUsage, ...rest } = options;
    if (typeof includeUsage === 'boolean') request.includeUsage = includeUsage;
    for (const _ in rest) {
      extra.stream_options = rest;
      break;
    }
  }

  for (const key in body) if (!KNOWN.has(key) && body[key] !== undefined) extra[key] = body[key];
  for (const _ in extra) {
    request.providerMetadata = { 'openai-chat': extra };
    break;
  }
  return { value: request, warnings };
}

function toolsToCanonical(body: Json, warnings: TranslationWarning[]): CanonicalTool[] | undefined {
  const tools = body.tools ?? body.functions;
  if (tools === undefined || tools === null) return undefined;
  const field = body.tools !== undefined && body.tools !== null ? 'tools' : 'functions';
  if (!Array.isArray(tools)) invalid(field, 'must be an array');
  const out: CanonicalTool[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isRecord(tool)) invalid(`${field}[${i}]`, 'must be an object');
    let fn: Json | undefined = tool;
    if (field === 'tools') {
      if (tool.type !== 'function') {
        warnings.push({
          code: 'dropped-tool',
          message: `Only function tools can be translated; the '${String(tool.type)}' tool was dropped`,
        });
        continue;
      }
      fn = obj(tool.function);
      if (!fn) invalid(`tools[${i}].function`, 'must be an object');
    }
    const prefix = field === 'tools' ? `tools[${i}].function` : `functions[${i}]`;
    const name = str(fn.name);
    if (name === undefined) invalid(`${prefix}.name`, 'must be a string');
    const parameters = fn.parameters === undefined || fn.parameters === null ? undefined : obj(fn.parameters);
    if (fn.parameters !== undefined && fn.parameters !== null && !parameters) {
      invalid(`${prefix}.parameters`, 'must be a JSON Schema object');
    }
    // No parameters means a function without arguments.
    const converted: CanonicalTool = { name, parameters: parameters ?? { type: 'object', properties: {} } };
    const description = str(fn.description);
    if (description !== undefined) converted.description = description;
    if (typeof fn.strict === 'boolean') converted.strict = fn.strict;
    out.push(converted);
  }
  return out;
}

function toolChoiceToCanonical(body: Json, warnings: TranslationWarning[]): ToolChoice | undefined {
  const field = body.tool_choice !== undefined && body.tool_choice !== null ? 'tool_choice' : 'function_call';
  const choice = body[field];
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (typeof choice === 'string') invalid(field, `'${choice}' is not a known tool choice`);
  if (!isRecord(choice)) invalid(field, 'must be a string or an object');
  const name = field === 'tool_choice' ? str(obj(choice.function)?.name) : str(choice.name);
  if ((field === 'function_call' || choice.type === 'function') && name !== undefined) return { type: 'tool', name };
  if (field === 'function_call' || choice.type === 'function') invalid(field, 'needs the function name');
  warnings.push({
    code: 'unsupported-setting',
    message: `tool_choice of type '${String(choice.type)}' cannot be translated; the default (auto) applies`,
  });
  return undefined;
}

function stopToCanonical(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string')) {
    invalid('stop', 'must be a string or an array of strings');
  }
  return stop.length > 0 ? (stop as string[]) : undefined;
}

function responseFormatToCanonical(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) invalid('response_format', 'must be an object');
  switch (value.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const spec = obj(value.json_schema);
      if (!spec) invalid('response_format.json_schema', 'must be an object');
      const format: ResponseFormat = { type: 'json' };
      const schema = obj(spec.schema);
      if (schema) format.schema = schema;
      const name = str(spec.name);
      if (name !== undefined) format.name = name;
      const description = str(spec.description);
      if (description !== undefined) format.description = description;
      if (typeof spec.strict === 'boolean') format.strict = spec.strict;
      return format;
    }
    default:
      invalid('response_format.type', `'${String(value.type)}' is not a known response format`);
  }
}

/**
 * A canonical request → a Chat Completions body for `options.targetProvider`. OpenAI itself gets
 * `max_completion_tokens` (it refuses `max_tokens` on reasoning models) and never `top_k` or
 * `reasoning_content`; OpenAI-compatible services get `max_tokens`, `top_k` and `reasoning_content`,
 * which they understand. A streaming request asks for the usage chunk unless the caller said no.
 */
export function requestFromCanonical(
  request: CanonicalRequest,
  options: FromCanonicalOptions,
): Converted<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const family = providerFamily(options.targetProvider);
  const extra = request.providerMetadata?.['openai-chat'];
  const out: Json = {};
  if (request.model !== undefined) out.model = request.model;
  out.messages = messagesFromCanonical(request.messages, options, warnings);

  if (request.tools && request.tools.length > 0) {
    out.tools = request.tools.map((tool) => ({
      type: 'function',
      function: compact({
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        strict: tool.strict,
      }),
    }));
  }
  const choice = request.toolChoice;
  if (choice) {
    out.tool_choice = choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
  }
  if (request.parallelToolCalls !== undefined) out.parallel_tool_calls = request.parallelToolCalls;

  if (request.maxOutputTokens !== undefined) {
    out[family === 'openai' ? 'max_completion_tokens' : 'max_tokens'] = request.maxOutputTokens;
  }
  if (request.temperature !== undefined) out.temperature = request.temperature;
  if (request.topP !== undefined) out.top_p = request.topP;
  if (request.topK !== undefined) {
    if (family === 'openai') {
      warnings.push({ code: 'unsupported-setting', message: 'OpenAI has no top_k; it was dropped' });
    } else {
      out.top_k = request.topK;
    }
  }
  if (request.stopSequences && request.stopSequences.length > 0) out.stop = request.stopSequences;
  if (request.seed !== undefined) out.seed = request.seed;
  if (request.presencePenalty !== undefined) out.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) out.frequency_penalty = request.frequencyPenalty;
  const format = request.responseFormat;
  if (format) {
    if (format.type === 'text') out.response_format = { type: 'text' };
    else if (!format.schema) out.response_format = { type: 'json_object' };
    else {
      out.response_format = {
        type: 'json_schema',
        // `name` is required by OpenAI; other dialects have none.
        json_schema: compact({
          name: format.name ?? 'response',
          description: format.description,
          schema: format.schema,
          strict: format.strict,
        }),
      };
    }
  }
  const reasoning = request.reasoning;
  if (reasoning) {
    // With neither an effort nor a budget the model's default applies: non-reasoning models refuse the field.
    const effort =
      reasoning.effort ?? (reasoning.budgetTokens !== undefined ? budgetToEffort(reasoning.budgetTokens) : undefined);
    if (effort !== undefined) out.reasoning_effort = effort;
  }
  const { dropUser } = dropAnthropicOnly(request, 'OpenAI Chat', warnings);
  if (request.user !== undefined && !dropUser && extra?.safety_identifier !== request.user) out.user = request.user;
  if (request.stream !== undefined) out.stream = request.stream;
  if (request.stream) {
    const streamOptions = obj(extra?.stream_options);
    out.stream_options = { ...streamOptions, include_usage: request.includeUsage ?? true };
  }
  if (extra) for (const key in extra) if (out[key] === undefined) out[key] = extra[key];
  return { value: out, warnings };
}
