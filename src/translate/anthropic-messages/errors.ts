import { excerptErrorBody } from '../../core/error-excerpt.js';
import type { ErrorKind } from '../../core/errors.js';
import { kindForCaller, kindFromStatus, overloadedIfSaid } from '../../core/kind-from-status.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
import type { CanonicalError } from '../canonical.js';
import { isRecord, obj, parseJson, str } from '../json.js';

/**
 * Anthropic error `type` → switchyard error kind.
 *
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 */
const KIND_OF_TYPE: ReadonlyMap<string, ErrorKind> = new Map([
  ['invalid_request_error', 'invalid_request'],
  ['request_too_large', 'invalid_request'],
  ['authentication_error', 'unauthorized'],
  ['permission_error', 'forbidden'],
  ['not_found_error', 'not_found'],
  ['billing_error', 'quota_exhausted'],
  ['rate_limit_error', 'rate_limited'],
  ['api_error', 'upstream_error'],
  ['timeout_error', 'timeout'],
  ['overloaded_error', 'overloaded'],
]);

// Anthropic reports an empty balance as a 400 invalid_request_error; it is the credential, not the request.
const CREDIT_BALANCE = /credit balance is too low/i;

/** What an Anthropic error body says, read once for both the caller's view and the Manager's. */
interface AnthropicErrorReading {
  /** The error `type`, as sent. */
  type: string | undefined;
  /** The body's own message, when it has a non-empty one. */
  message: string | undefined;
  /** Who is at fault: the kind the Manager acts on. */
  kind: ErrorKind;
}

/**
 * Reads `{"type":"error","error":{"type","message"}}` (or a bare `{ message }` from a proxy). The kind
 * comes from the error `type`, else from the status alone; a `not_found_error` that does not name a
 * model ("Not Found") is about the path, not a credential without the model; a too-low credit balance
 * is the credential's quota whatever the type says.
 */
function readAnthropicError(status: number, body: unknown): AnthropicErrorReading {
  const root = isRecord(body) ? body : undefined;
  const error = obj(root?.error);
  const type = str(error?.type);
  const message = str(error?.message) || str(root?.message) || undefined;
  let kind = (type === undefined ? undefined : KIND_OF_TYPE.get(type)) ?? kindFromStatus(status);
  if (kind === 'not_found' && !(message && /\bmodel\b/i.test(message))) kind = 'endpoint_not_found';
  if (message && CREDIT_BALANCE.test(message)) kind = 'quota_exhausted';
  return { type, message, kind: overloadedIfSaid(kind, status, message) };
}

/**
 * An Anthropic error body (`{"type":"error","error":{"type","message"}}`, parsed or as text) with its
 * HTTP status, in canonical form. Bodies that are not Anthropic's shape (HTML from a proxy, empty) are
 * classified by status alone. `retry-after` / `retry-after-ms` headers become `retryAfterMs`.
 *
 * @see https://docs.anthropic.com/en/api/errors
 */
export function errorToCanonical(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): CanonicalError {
  const parsed = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  const read = readAnthropicError(status, parsed);
  let message: string;
  if (read.message !== undefined) message = read.message;
  else if (typeof parsed === 'string' && parsed.trim() !== '')
    message = `Upstream returned HTTP ${status}: ${excerptErrorBody(parsed)}`;
  else message = `Upstream returned HTTP ${status}`;
  const kind = kindForCaller(read.kind);
  const out: CanonicalError = { status, message, kind };
  if (read.type !== undefined) out.providerCode = read.type;
  if (kind === 'quota_exhausted') out.credentialWide = true;
  const retryAfterMs = headers === undefined ? undefined : parseRetryAfter(headers, Date.now());
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  return out;
}

/**
 * How the Anthropic executor reads an error answer: the kind from the error `type` (else the status), a
 * `not_found_error` that names no model as `endpoint_not_found`, and a 400 saying the credit balance is
 * too low as a credential-wide quota exhaustion rather than an invalid request.
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
  const read = readAnthropicError(failure.status, failure.json);
  const out: ErrorClassification = { kind: read.kind };
  if (read.message !== undefined) out.message = read.message;
  if (read.kind === 'quota_exhausted') out.credentialWide = true;
  return out;
}

const TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

/**
 * The Anthropic error `type` and HTTP status for a canonical error. An Anthropic `providerCode` is kept
 * (same-dialect render). `quota_exhausted` becomes `billing_error` (402) only when the status says 402;
 * otherwise `rate_limit_error` (429), which Anthropic clients already retry later.
 *
 * @see https://docs.anthropic.com/en/api/errors
 */
export function errorTypeFromCanonical(error: CanonicalError): { type: string; status: number } {
  const status = error.status >= 400 && error.status <= 599 ? error.status : 0;
  if (error.providerCode !== undefined && TYPES.has(error.providerCode)) {
    return { type: error.providerCode, status: status || defaultStatus(error.providerCode) };
  }
  let type: string;
  switch (error.kind) {
    case 'invalid_request':
      type = status === 413 ? 'request_too_large' : 'invalid_request_error';
      break;
    case 'unauthorized':
      type = 'authentication_error';
      break;
    case 'forbidden':
      type = 'permission_error';
      break;
    case 'not_found':
    case 'model_not_found':
      type = 'not_found_error';
      break;
    case 'rate_limited':
      type = 'rate_limit_error';
      break;
    case 'quota_exhausted':
      type = status === 402 ? 'billing_error' : 'rate_limit_error';
      break;
    case 'overloaded':
      type = 'overloaded_error';
      break;
    case 'timeout':
      type = 'timeout_error';
      break;
    default:
      type = 'api_error';
  }
  return { type, status: status || defaultStatus(type) };
}

function defaultStatus(type: string): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'billing_error':
      return 402;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'timeout_error':
      return 504;
    case 'overloaded_error':
      return 529;
    default:
      return 500;
  }
}

/**
 * The Anthropic error body and status for a canonical error:
 * `{"type":"error","error":{"type":"rate_limit_error","message":"..."}}`.
 */
export function errorFromCanonical(error: CanonicalError): { status: number; body: Record<string, unknown> } {
  const { type, status } = errorTypeFromCanonical(error);
  return { status, body: { type: 'error', error: { type, message: error.message } } };
}
