import type { FinishReason } from '../canonical.js';
import type { GeminiFinishReason } from './wire-types.js';

/**
 * Gemini `finishReason` → canonical. A `STOP` whose content holds a function call is `tool_calls`
 * (Gemini has no finish reason of its own for that).
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function finishReasonToCanonical(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'STOP':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error';
    case undefined:
      return hasToolCalls ? 'tool_calls' : 'stop';
    default:
      // LANGUAGE, OTHER, TOO_MANY_TOOL_CALLS, NO_IMAGE, FINISH_REASON_UNSPECIFIED and future values.
      return 'other';
  }
}

/** Canonical finish reason → Gemini `finishReason`. */
export function finishReasonFromCanonical(reason: FinishReason): GeminiFinishReason {
  switch (reason) {
    case 'stop':
    case 'stop_sequence':
    case 'tool_calls':
    case 'pause':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
    case 'refusal':
      return 'SAFETY';
    case 'error':
    case 'other':
      return 'OTHER';
  }
}
