import type { AssistantContent, CanonicalResponse, Converted, TranslationWarning } from '../canonical.js';
import { nowSeconds, resolveContext, type TranslationContext } from '../context.js';
import { arr, num, obj, str } from '../json.js';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';
import { isRefusal, KEY, ours, refusalPart } from './metadata.js';
import { usageFromCanonical, usageToCanonical } from './usage.js';
import type { ChatCompletion, ChatResponseMessage, ChatToolCall } from './wire-types.js';

type Json = Record<string, unknown>;

/** Response fields kept in `providerMetadata['openai-chat']` for a same-dialect trip. */
const KEPT_TOP = ['system_fingerprint', 'service_tier'] as const;
const KEPT_CHOICE = ['logprobs'] as const;
const KEPT_MESSAGE = ['annotations', 'audio'] as const;

function keep(from: Json, keys: readonly string[], into: Json): void {
  for (const key of keys) {
    const value = from[key];
    if (value !== undefined && value !== null) into[key] = value;
  }
}

/**
 * A `chat.completion` body → canonical. Reads `choices[0]` (other choices are dropped with a warning):
 * `reasoning_content`, `content`, `refusal` (text marked as a refusal), `tool_calls` and the legacy
 * `function_call`. An upstream answer is read leniently: a body without choices gives empty content.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function responseToCanonical(body: Json): Converted<CanonicalResponse> {
  const warnings: TranslationWarning[] = [];
  const choices = arr(body.choices);
  const choice = obj(choices[0]);
  if (choices.length > 1) {
    warnings.push({ code: 'dropped-choices', message: `Only the first of ${choices.length} choices was kept` });
  }
  const message = obj(choice?.message) ?? {};
  const content: AssistantContent[] = [];
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const text = str(message.content);
  if (text) content.push({ type: 'text', text });
  const refusal = str(message.refusal);
  if (refusal) content.push(refusalPart(refusal));
  let sawToolCalls = false;
  for (const item of arr(message.tool_calls)) {
    const call = obj(item);
    const fn = obj(call?.function);
    const name = str(fn?.name);
    if (!call || name === undefined) continue;
    sawToolCalls = true;
    content.push({ type: 'tool-call', id: str(call.id) ?? '', name, arguments: str(fn?.arguments) ?? '' });
  }
  const legacy = obj(message.function_call);
  const legacyName = str(legacy?.name);
  if (legacyName !== undefined) {
    sawToolCalls = true;
    content.push({ type: 'tool-call', id: legacyName, name: legacyName, arguments: str(legacy?.arguments) ?? '' });
  }
  const response: CanonicalResponse = {
    id: str(body.id) ?? '',
    model: str(body.model) ?? '',
    content,
    finishReason: finishReasonToCanonical(choice?.finish_reason, sawToolCalls, refusal !== undefined),
  };
  const created = num(body.created);
  if (created !== undefined) response.created = created;
  const usage = usageToCanonical(body.usage);
  if (usage) response.usage = usage;
  const extra: Json = {};
  keep(body, KEPT_TOP, extra);
  if (choice) keep(choice, KEPT_CHOICE, extra);
  keep(message, KEPT_MESSAGE, extra);
  for (const _ in extra) {
    response.providerMetadata = { [KEY]: extra };
    break;
  }
  return { value: response, warnings };
}

/**
 * A canonical response → a `chat.completion` body. Visible thinking goes out as `reasoning_content`
 * (the DeepSeek convention clients already read); signatures have no field in Chat and are dropped.
 * A response without a `created` time (Anthropic and Gemini answers carry none) gets `context.now()`.
 */
export function responseFromCanonical(
  response: CanonicalResponse,
  context?: TranslationContext,
): Converted<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const extra = ours(response.providerMetadata);
  let text: string | undefined;
  let refusal: string | undefined;
  let reasoning: string | undefined;
  let droppedSignature = false;
  const toolCalls: ChatToolCall[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        if (isRefusal(part)) refusal = (refusal ?? '') + part.text;
        else text = (text ?? '') + part.text;
        break;
      case 'reasoning':
        if (part.text !== '') reasoning = (reasoning ?? '') + part.text;
        if (part.signature !== undefined || part.redactedData !== undefined) droppedSignature = true;
        break;
      case 'tool-call':
        toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
        break;
    }
  }
  if (droppedSignature) {
    warnings.push({
      code: 'reasoning-signature-dropped',
      message: 'OpenAI Chat has no field for thinking signatures; they were dropped from the response',
    });
  }
  const message: ChatResponseMessage = { role: 'assistant', content: text ?? null, refusal: refusal ?? null };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  keep(extra, KEPT_MESSAGE, message);
  const body: ChatCompletion = {
    id: response.id,
    object: 'chat.completion',
    created: response.created ?? nowSeconds(resolveContext(context)),
    model: response.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: extra.logprobs ?? null,
        finish_reason: finishReasonFromCanonical(response.finishReason),
      },
    ],
  };
  if (response.usage) body.usage = usageFromCanonical(response.usage);
  keep(extra, KEPT_TOP, body);
  return { value: body, warnings };
}
