import type { CanonicalError } from '../canonical.js';

/**
 * Responses speaks OpenAI's error shape (`{"error":{"message","type","param","code"}}`), and its stream
 * `error` events carry the same fields: one mapping serves both dialects, and the OpenAI executor reads
 * the errors of both with one parser.
 */
export { errorFromCanonical, errorToCanonical, parseOpenAIError } from '../openai-chat/errors.js';

/** The `code` of a failed response (`response.error.code`) for a canonical error. */
export function responseErrorCode(error: CanonicalError): string {
  if (error.kind === 'rate_limited') return 'rate_limit_exceeded';
  return 'server_error';
}
