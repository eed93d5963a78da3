import { dropAnthropicOnly } from '../anthropic-only.js';
import type {
  AssistantContent,
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  FromCanonicalOptions,
  ReasoningPart,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { compact, obj, str } from '../json.js';
import { budgetToEffort, providerFamily } from '../reasoning.js';
import { userPartFromCanonical } from './content.js';
import { isRefusal, ours } from './metadata.js';
import { toolChoiceFromCanonical, toolsFromCanonical } from './tools.js';

type Json = Record<string, unknown>;

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
  const extra = ours(request.providerMetadata);
  const out: Json = {};
  if (request.model !== undefined) out.model = request.model;
  out.messages = messagesFromCanonical(request.messages, options, warnings);

  if (request.tools && request.tools.length > 0) out.tools = toolsFromCanonical(request.tools);
  if (request.toolChoice) out.tool_choice = toolChoiceFromCanonical(request.toolChoice);
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
  if (request.user !== undefined && !dropUser && extra.safety_identifier !== request.user) out.user = request.user;
  if (request.stream !== undefined) out.stream = request.stream;
  if (request.stream) {
    const streamOptions = obj(extra.stream_options);
    out.stream_options = { ...streamOptions, include_usage: request.includeUsage ?? true };
  }
  for (const key in extra) if (out[key] === undefined) out[key] = extra[key];
  return { value: out, warnings };
}

/**
 * Canonical messages → Chat `messages`. Thinking with a signature (or redacted thinking) cannot be
 * replayed over Chat: it is dropped, or sent as plain text with `foreignThinking: 'text'`. Plain
 * thinking goes back as `reasoning_content` (DeepSeek and other compatible services want it), except to
 * OpenAI itself, which rejects the field.
 */
function messagesFromCanonical(
  messages: CanonicalMessage[],
  options: FromCanonicalOptions,
  warnings: TranslationWarning[],
): Json[] {
  const family = providerFamily(options.targetProvider);
  const out: Json[] = [];
  for (const message of messages) {
    const extra = ours(message.providerMetadata);
    const name = str(extra.name);
    switch (message.role) {
      case 'system': {
        const msg: Json = {
          role: extra.role === 'developer' ? 'developer' : 'system',
          content: textOut(message.content),
        };
        if (name !== undefined) msg.name = name;
        out.push(msg);
        break;
      }
      case 'user': {
        const msg: Json = { role: 'user', content: userOut(message.content, warnings) };
        if (name !== undefined) msg.name = name;
        out.push(msg);
        break;
      }
      case 'assistant': {
        const msg = assistantOut(message.content, family, options, warnings);
        if (name !== undefined) msg.name = name;
        out.push(msg);
        break;
      }
      case 'tool':
        for (const result of message.content) out.push(toolOut(result, warnings));
        break;
    }
  }
  return out;
}

/** One text part goes as a plain string (what every compatible service accepts), more as parts. */
function textOut(parts: TextPart[]): string | Json[] {
  if (parts.length === 1) return parts[0]!.text;
  if (parts.length === 0) return '';
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function userOut(parts: UserContent[], warnings: TranslationWarning[]): string | Json[] {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.type === 'text') return only.text;
  const out: Json[] = [];
  for (const part of parts) {
    const converted = userPartFromCanonical(part, warnings);
    if (converted) out.push(converted);
  }
  return out.length === 0 ? '' : out;
}

function assistantOut(
  parts: AssistantContent[],
  family: ReturnType<typeof providerFamily>,
  options: FromCanonicalOptions,
  warnings: TranslationWarning[],
): Json {
  let text = '';
  let hasText = false;
  let refusal: string | undefined;
  let reasoning: string | undefined;
  const toolCalls: Json[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        if (isRefusal(part)) {
          refusal = (refusal ?? '') + part.text;
        } else {
          text += part.text;
          hasText = true;
        }
        break;
      case 'reasoning': {
        const plain = reasoningOut(part, family, options, warnings);
        if (plain === undefined) break;
        if (plain.asText) {
          text += plain.text;
          hasText = true;
        } else {
          reasoning = (reasoning ?? '') + plain.text;
        }
        break;
      }
      case 'tool-call':
        toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
        break;
    }
  }
  // Chat wants `content: null` beside tool calls or a refusal with no text.
  const msg: Json = { role: 'assistant', content: hasText ? text : toolCalls.length > 0 || refusal ? null : '' };
  if (refusal !== undefined) msg.refusal = refusal;
  if (reasoning !== undefined) msg.reasoning_content = reasoning;
  if (toolCalls.length > 0) msg.tool_calls = toolCalls;
  return msg;
}

function reasoningOut(
  part: ReasoningPart,
  family: ReturnType<typeof providerFamily>,
  options: FromCanonicalOptions,
  warnings: TranslationWarning[],
): { text: string; asText: boolean } | undefined {
  if (part.signature !== undefined || part.redactedData !== undefined) {
    // Chat has no field for a signature or encrypted reasoning, so no family can get it back this way.
    if (options.foreignThinking === 'text' && part.text !== '') {
      warnings.push({
        code: 'foreign-thinking-as-text',
        message: `Signed thinking from ${part.origin ?? 'another provider'} was sent to OpenAI Chat as plain text`,
      });
      return { text: part.text, asText: true };
    }
    warnings.push({
      code: 'foreign-thinking-dropped',
      message: `Signed thinking from ${part.origin ?? 'another provider'} cannot be replayed over OpenAI Chat and was dropped`,
    });
    return undefined;
  }
  if (family === 'openai') {
    warnings.push({
      code: 'reasoning-dropped',
      message: 'OpenAI rejects reasoning_content in assistant messages; earlier thinking was dropped',
    });
    return undefined;
  }
  return part.text === '' ? undefined : { text: part.text, asText: false };
}

function toolOut(result: ToolResultPart, warnings: TranslationWarning[]): Json {
  let content: string | Json[];
  if (typeof result.content === 'string') {
    content = result.content;
  } else {
    const texts: TextPart[] = [];
    for (const part of result.content) {
      if (part.type === 'text') texts.push(part);
      else
        warnings.push({
          code: 'dropped-content',
          message: `OpenAI Chat tool results hold text only; a ${part.type} in the result of '${result.toolCallId}' was dropped`,
        });
    }
    content = textOut(texts);
  }
  if (result.isError) {
    warnings.push({
      code: 'unsupported-setting',
      message: 'OpenAI Chat tool results have no error flag; the result was sent as ordinary content',
    });
  }
  return { role: 'tool', tool_call_id: result.toolCallId, content };
}
