import type { AssistantContent, CanonicalResponse, Converted, TranslationWarning } from '../canonical.js';
import { isRecord, type JsonObject, str } from '../json.js';
import {
  textFromCanonical,
  textToCanonical,
  thinkingFromCanonical,
  thinkingToCanonical,
  toolUseFromCanonical,
  toolUseToCanonical,
} from './content.js';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';
import { extras, KEY, ours } from './metadata.js';
import { usageFromCanonical, usageToCanonical } from './usage.js';

const RESPONSE_KEYS = new Set(['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);
const USAGE_KEYS = new Set([
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'output_tokens_details',
]);

/**
 * An Anthropic Messages response (`type: 'message'`) → canonical response. Lenient: it reads what a
 * provider sent and never throws on odd shapes. Server-tool blocks (`server_tool_use`,
 * `web_search_tool_result`, ...) are dropped with a warning; the raw `stop_reason`, unknown fields and
 * usage extras (`service_tier`, `server_tool_use`) are kept in `providerMetadata['anthropic-messages']`.
 *
 * @example
 * ```ts
 * responseToCanonical({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
 *   content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', stop_sequence: null,
 *   usage: { input_tokens: 10, output_tokens: 2 } }).value.finishReason; // 'stop'
 * ```
 */
export function responseToCanonical(body: Record<string, unknown>): Converted<CanonicalResponse> {
  const warnings: TranslationWarning[] = [];
  const content: AssistantContent[] = [];
  const blocks = Array.isArray(body.content) ? body.content : [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!isRecord(block)) continue;
    const at = `content[${i}]`;
    try {
      switch (block.type) {
        case 'text':
          content.push(textToCanonical(block, at));
          break;
        case 'thinking':
        case 'redacted_thinking':
          content.push(thinkingToCanonical(block, at));
          break;
        case 'tool_use':
          content.push(toolUseToCanonical(block, at));
          break;
        default:
          warnings.push({
            code: 'dropped-content',
            message: `${at}: '${String(block.type)}' blocks are not translated`,
          });
      }
    } catch {
      // A provider's malformed block is skipped, not a reason to fail the whole answer.
      warnings.push({
        code: 'dropped-content',
        message: `${at}: a malformed '${String(block.type)}' block was dropped`,
      });
    }
  }
  const response: CanonicalResponse = {
    id: str(body.id) ?? '',
    model: str(body.model) ?? '',
    content,
    finishReason: finishReasonToCanonical(body.stop_reason),
  };
  const stopSequence = str(body.stop_sequence);
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  const usage = usageToCanonical(body.usage);
  if (usage !== undefined) response.usage = usage;

  const meta = extras(body, RESPONSE_KEYS) ?? {};
  if (typeof body.stop_reason === 'string') meta.stop_reason = body.stop_reason;
  const usageExtra = isRecord(body.usage) ? extras(body.usage, USAGE_KEYS) : undefined;
  if (usageExtra !== undefined) meta.usage = usageExtra;
  if (Object.keys(meta).length > 0) response.providerMetadata = { [KEY]: meta };
  return { value: response, warnings };
}

/**
 * A canonical response → Anthropic Messages response body. Reasoning becomes `thinking` (signature
 * tagged with its origin unless Anthropic's; `''` when there is none, which an Anthropic upstream will
 * never receive back: see `requestFromCanonical`) or `redacted_thinking`.
 */
export function responseFromCanonical(response: CanonicalResponse): Converted<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const meta = ours(response.providerMetadata);
  const content: JsonObject[] = [];
  for (const part of response.content) {
    if (part.type === 'text') content.push(textFromCanonical(part));
    else if (part.type === 'tool-call') content.push(toolUseFromCanonical(part, warnings));
    else content.push(thinkingFromCanonical(part));
  }
  // The raw stop reason wins when it means the same (model_context_window_exceeded stays itself).
  const raw = str(meta.stop_reason);
  const stopReason =
    raw !== undefined && finishReasonToCanonical(raw) === response.finishReason
      ? raw
      : finishReasonFromCanonical(response.finishReason);
  const usage: JsonObject = usageFromCanonical(response.usage);
  const usageExtra = meta.usage;
  if (isRecord(usageExtra)) for (const key in usageExtra) if (!(key in usage)) usage[key] = usageExtra[key];
  const body: JsonObject = {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: stopReason,
    stop_sequence: response.stopSequence ?? null,
    usage,
  };
  for (const key in meta) {
    if (key === 'stop_reason' || key === 'usage' || key === '__proto__' || key in body) continue;
    body[key] = meta[key];
  }
  return { value: body, warnings };
}
