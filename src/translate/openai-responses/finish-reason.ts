import type { FinishReason } from '../canonical.js';
import type { ResponsesIncompleteReason, ResponsesStatus } from './wire-types.js';

/**
 * A Responses `status` (with `incomplete_details.reason`) as a canonical finish reason. A completed
 * response that ends in a function call is `tool_calls`; one whose message is a refusal is `refusal`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-status
 */
export function finishReasonToCanonical(
  status: string | undefined,
  incompleteReason: string | undefined,
  has: { functionCall: boolean; refusal: boolean },
): FinishReason {
  switch (status) {
    case 'completed':
    case undefined:
      if (has.functionCall) return 'tool_calls';
      return has.refusal ? 'refusal' : 'stop';
    case 'incomplete':
      if (incompleteReason === 'max_output_tokens') return 'length';
      if (incompleteReason === 'content_filter') return 'content_filter';
      return 'other';
    case 'failed':
      return 'error';
    default:
      // `cancelled`, or a non-terminal `in_progress` / `queued` snapshot.
      return 'other';
  }
}

/** The Responses `status` and `incomplete_details` that express a canonical finish reason. */
export function finishReasonFromCanonical(reason: FinishReason): {
  status: Exclude<ResponsesStatus, 'in_progress'>;
  incompleteDetails: { reason: ResponsesIncompleteReason } | null;
} {
  switch (reason) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incompleteDetails: null };
    default:
      // stop, stop_sequence, tool_calls, refusal, pause, other: the response itself is complete.
      return { status: 'completed', incompleteDetails: null };
  }
}
