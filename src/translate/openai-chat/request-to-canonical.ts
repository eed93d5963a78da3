import type {
  AssistantContent,
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  ReasoningEffort,
  ResponseFormat,
  ToolResultPart,
  TranslationWarning,
} from '../canonical.js';
import { invalid, isRecord, obj, str } from '../json.js';
import { textContentToCanonical, userContentToCanonical } from './content.js';
import { KEY, refusalPart, toMetadata } from './metadata.js';
import { toolChoiceToCanonical, toolsToCanonical } from './tools.js';

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
    request.providerMetadata = { [KEY]: extra };
    break;
  }
  return { value: request, warnings };
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

function withMeta<T extends CanonicalMessage>(target: T, value: Json): T {
  const metadata = toMetadata(value);
  if (metadata) target.providerMetadata = metadata;
  return target;
}

/** `name` (and the `developer` role) have no canonical field: they ride in the message's metadata. */
function messageMeta(message: Json, developer = false): Json {
  const out: Json = {};
  if (developer) out.role = 'developer';
  const name = str(message.name);
  if (name !== undefined) out.name = name;
  return out;
}

/** Tool-call arguments as JSON text; some clients send an object. */
function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/**
 * Chat `messages` → canonical messages. `system` and `developer` stay in place as `system` messages;
 * each `tool` message (and legacy `function` message) becomes one canonical `tool` message whose result
 * carries the tool's name, looked up from the call that asked for it.
 */
function messagesToCanonical(messages: unknown[]): CanonicalMessage[] {
  const out: CanonicalMessage[] = [];
  const toolNames = new Map<string, string>();
  for (let i = 0; i < messages.length; i++) {
    const field = `messages[${i}]`;
    const message = messages[i];
    if (!isRecord(message)) invalid(field, 'must be an object');
    switch (message.role) {
      case 'system':
      case 'developer':
        out.push(
          withMeta(
            { role: 'system', content: textContentToCanonical(message.content, `${field}.content`) },
            messageMeta(message, message.role === 'developer'),
          ),
        );
        break;
      case 'user':
        out.push(
          withMeta(
            { role: 'user', content: userContentToCanonical(message.content, `${field}.content`) },
            messageMeta(message),
          ),
        );
        break;
      case 'assistant':
        out.push(assistantToCanonical(message, field, toolNames));
        break;
      case 'tool': {
        const toolCallId = str(message.tool_call_id);
        if (toolCallId === undefined) invalid(`${field}.tool_call_id`, 'must be a string');
        const content = message.content;
        const result: ToolResultPart = {
          type: 'tool-result',
          toolCallId,
          content: typeof content === 'string' ? content : textContentToCanonical(content, `${field}.content`),
        };
        const name = toolNames.get(toolCallId);
        if (name !== undefined) result.name = name;
        out.push({ role: 'tool', content: [result] });
        break;
      }
      case 'function': {
        // Legacy function results: the function's name doubles as the call id (see the assistant side).
        const name = str(message.name);
        if (name === undefined) invalid(`${field}.name`, 'must be a string');
        const content = str(message.content) ?? '';
        out.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: name, name, content }] });
        break;
      }
      default:
        invalid(`${field}.role`, `'${String(message.role)}' is not a supported role`);
    }
  }
  return out;
}

function assistantToCanonical(message: Json, field: string, toolNames: Map<string, string>): CanonicalMessage {
  const content: AssistantContent[] = [];
  // DeepSeek (and vLLM, OpenRouter) put the visible thinking beside the answer.
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const text = message.content;
  if (typeof text === 'string') {
    if (text !== '') content.push({ type: 'text', text });
  } else if (Array.isArray(text)) {
    for (let i = 0; i < text.length; i++) {
      const part = text[i];
      const partField = `${field}.content[${i}]`;
      if (isRecord(part) && part.type === 'refusal') {
        const refusal = str(part.refusal);
        if (refusal === undefined) invalid(`${partField}.refusal`, 'must be a string');
        content.push(refusalPart(refusal));
      } else {
        content.push(...textContentToCanonical([part], partField));
      }
    }
  } else if (text !== null && text !== undefined) {
    invalid(`${field}.content`, 'must be a string, an array of content parts or null');
  }
  const refusal = str(message.refusal);
  if (refusal) content.push(refusalPart(refusal));
  const calls = message.tool_calls;
  if (calls !== undefined && calls !== null && !Array.isArray(calls))
    invalid(`${field}.tool_calls`, 'must be an array');
  if (Array.isArray(calls)) {
    for (let i = 0; i < calls.length; i++) {
      const callField = `${field}.tool_calls[${i}]`;
      const call = calls[i];
      if (!isRecord(call)) invalid(callField, 'must be an object');
      if (call.type !== 'function' && call.type !== undefined) {
        invalid(`${callField}.type`, `'${String(call.type)}' tool calls are not supported`);
      }
      const id = str(call.id);
      if (id === undefined) invalid(`${callField}.id`, 'must be a string');
      const fn = obj(call.function);
      const name = str(fn?.name);
      if (name === undefined) invalid(`${callField}.function.name`, 'must be a string');
      toolNames.set(id, name);
      content.push({ type: 'tool-call', id, name, arguments: argumentsText(fn?.arguments) });
    }
  }
  const legacy = obj(message.function_call);
  if (legacy) {
    const name = str(legacy.name);
    if (name === undefined) invalid(`${field}.function_call.name`, 'must be a string');
    content.push({ type: 'tool-call', id: name, name, arguments: argumentsText(legacy.arguments) });
  }
  return withMeta({ role: 'assistant', content }, messageMeta(message));
}
