import type { FinishReason } from '../canonical.js';
import type { ChatFinishReason } from './wire-types.js';

/**
 * Chat Completions `finish_reason` → canonical. `sawToolCalls` fixes up OpenAI-compatible services that
 * answer a tool call with `stop`; `sawRefusal` turns OpenAI's refusals (which finish with `stop`) into
 * `refusal`, so dialects with a refusal stop reason can say so.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function finishReasonToCanonical(reason: unknown, sawToolCalls = false, sawRefusal = false): FinishReason {
  switch (reason) {
    case 'stop':
      if (sawToolCalls) return 'tool_calls';
      return sawRefusal ? 'refusal' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

/**
 * Canonical → Chat Completions `finish_reason`. Chat has no word for a stop sequence, a refusal, a
 * paused turn or a provider error, so those finish as `stop` (a refusal's text stays visible; an error is
 * reported by the stream's error chunk, not by the finish reason).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function finishReasonFromCanonical(reason: FinishReason): ChatFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}
