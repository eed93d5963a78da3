import type {
  AssistantContent,
  CanonicalMessage,
  FromCanonicalOptions,
  ProviderMetadata,
  ReasoningPart,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { invalid, isRecord, obj, str } from '../json.js';
import { providerFamily } from '../reasoning.js';
import { textContentToCanonical, userContentToCanonical, userPartFromCanonical } from './convert-content.js';

type Json = Record<string, unknown>;

/** Metadata of one message or part under this dialect's key, or undefined when there is none. */
function meta(value: Json): ProviderMetadata | undefined {
  for (const _ in value) return { 'openai-chat': value };
  return undefined;
}

function withMeta<T extends CanonicalMessage>(target: T, value: Json): T {
  const metadata = meta(value);
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
export function messagesToCanonical(messages: unknown[]): CanonicalMessage[] {
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

function refusalPart(text: string): TextPart {
  return { type: 'text', text, providerMetadata: { 'openai-chat': { refusal: true } } };
}

/** True for text that came from an OpenAI `refusal`. */
function isRefusal(part: TextPart): boolean {
  return part.providerMetadata?.['openai-chat']?.refusal === true;
}

/**
 * Canonical messages → Chat `messages`. Thinking with a signature (or redacted thinking) cannot be
 * replayed over Chat: it is dropped, or sent as plain text with `foreignThinking: 'text'`. Plain
 * thinking goes back as `reasoning_content` (DeepSeek and other compatible services want it), except to
 * OpenAI itself, which rejects the field.
 */
export function messagesFromCanonical(
  messages: CanonicalMessage[],
  options: FromCanonicalOptions,
  warnings: TranslationWarning[],
): Json[] {
  const family = providerFamily(options.targetProvider);
  const out: Json[] = [];
  for (const message of messages) {
    const extra = message.providerMetadata?.['openai-chat'];
    const name = str(extra?.name);
    switch (message.role) {
      case 'system': {
        const msg: Json = {
          role: extra?.role === 'developer' ? 'developer' : 'system',
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
        code: 'foreign-thinking-text',
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
