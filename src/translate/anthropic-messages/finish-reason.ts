import type { FinishReason } from '../canonical.js';
import type { AnthropicStopReason } from './wire-types.js';

/**
 * Anthropic `stop_reason` → canonical finish reason. `model_context_window_exceeded` is a `length`
 * stop (the response could not grow further); unknown or missing values are `other`.
 *
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function finishReasonToCanonical(reason: unknown): FinishReason {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'pause_turn':
      return 'pause';
    case 'refusal':
      return 'refusal';
    default:
      return 'other';
  }
}

/**
 * Canonical finish reason → Anthropic `stop_reason`. A content filter is Anthropic's `refusal`; errors
 * and unknown reasons end the turn normally (Anthropic has no stop reason for them).
 *
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function finishReasonFromCanonical(reason: FinishReason): AnthropicStopReason {
  switch (reason) {
    case 'stop_sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'pause':
      return 'pause_turn';
    case 'refusal':
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
