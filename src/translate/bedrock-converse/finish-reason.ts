import type { FinishReason } from '../canonical.js';
import type { ConverseStopReason } from './wire-types.js';

/**
 * Converse `stopReason` → canonical finish reason. Guardrail and content-filter stops are
 * `content_filter`; `model_context_window_exceeded` is `length`; the malformed-output stops are errors.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
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
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return 'error';
    default:
      return 'other';
  }
}

/** Canonical finish reason → Converse `stopReason`; reasons Converse has no word for end the turn. */
export function finishReasonFromCanonical(reason: FinishReason): ConverseStopReason {
  switch (reason) {
    case 'stop_sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
    case 'refusal':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}
