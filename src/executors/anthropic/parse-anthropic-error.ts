import type { ErrorKind } from '../../core/errors.js';
import type { ErrorClassification, UpstreamFailure } from '../base/types.js';

/** @see https://docs.anthropic.com/en/api/errors#http-errors */
const KIND_BY_TYPE: Record<string, ErrorKind> = {
  invalid_request_error: 'invalid_request',
  request_too_large: 'invalid_request',
  authentication_error: 'unauthorized',
  permission_error: 'forbidden',
  not_found_error: 'not_found',
  billing_error: 'quota_exhausted',
  rate_limit_error: 'rate_limited',
  api_error: 'upstream_error',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

/**
 * Reads an Anthropic error body, `{ type: 'error', error: { type, message }, request_id }`. A 400
 * saying the credit balance is too low is the account's problem, not the request's, so it becomes a
 * credential-wide quota exhaustion rather than an invalid request.
 *
 * @see https://docs.anthropic.com/en/api/errors
 * @example
 * ```ts
 * parseAnthropicError({ status: 529, headers: {}, text: '', now: 0,
 *   json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
 * // { kind: 'overloaded', message: 'Overloaded' }
 * ```
 */
export function parseAnthropicError(failure: UpstreamFailure): ErrorClassification {
  const root = isObject(failure.json) ? failure.json : undefined;
  const error = isObject(root?.error) ? root.error : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const message = typeof error?.message === 'string' && error.message ? error.message : undefined;
  const out: ErrorClassification = message ? { message } : {};
  const kind = type ? KIND_BY_TYPE[type] : undefined;
  if (kind) out.kind = kind;
  // `not_found_error` names the model when the model is missing ("model: claude-x"); otherwise it is
  // the path ("Not Found"): a wrong base URL, not a credential without the model.
  if (kind === 'not_found' && !(message && /\bmodel\b/i.test(message))) out.kind = 'endpoint_not_found';
  if (message && /credit balance is too low/i.test(message)) out.kind = 'quota_exhausted';
  if (out.kind === 'quota_exhausted') out.credentialWide = true;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
