import { parseRetryAfter } from '../../core/retry-after.js';
import type { CanonicalError } from '../canonical.js';
import { isRecord, obj, parseJson, str } from '../json.js';

/**
 * Anthropic error `type` → switchyard error kind.
 *
 * @see https://docs.anthropic.com/en/api/errors
 */
function kindOfType(type: string | undefined): string | undefined {
  switch (type) {
    case 'invalid_request_error':
    case 'request_too_large':
      return 'invalid_request';
    case 'authentication_error':
      return 'unauthorized';
    case 'permission_error':
      return 'forbidden';
    case 'not_found_error':
      return 'not_found';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'billing_error':
      return 'quota_exhausted';
    case 'overloaded_error':
      return 'overloaded';
    case 'timeout_error':
      return 'timeout';
    case 'api_error':
      return 'upstream_error';
    default:
      return undefined;
  }
}

/** The kind for a status alone (a proxy's HTML page, an unknown `type`). */
function kindOfStatus(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'quota_exhausted';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'upstream_error';
  if (status >= 400) return 'invalid_request';
  return 'upstream_error';
}

// Anthropic reports an empty balance as a 400 invalid_request_error; it is the credential, not the request.
const CREDIT_BALANCE = /credit balance is too low/i;

/** A short, tag-free excerpt of a non-JSON body (an HTML error page from a proxy, say). */
function excerpt(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
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
  const error = isRecord(parsed) ? obj(parsed.error) : undefined;
  const type = str(error?.type);
  const bodyMessage = str(error?.message) ?? (isRecord(parsed) ? str(parsed.message) : undefined);
  let message: string;
  if (bodyMessage !== undefined && bodyMessage !== '') message = bodyMessage;
  else if (typeof parsed === 'string' && parsed.trim() !== '')
    message = `Upstream returned HTTP ${status}: ${excerpt(parsed)}`;
  else message = `Upstream returned HTTP ${status}`;

  let kind = kindOfType(type) ?? kindOfStatus(status);
  let credentialWide = kind === 'quota_exhausted';
  if (kind === 'invalid_request' && CREDIT_BALANCE.test(message)) {
    kind = 'quota_exhausted';
    credentialWide = true;
  }
  const out: CanonicalError = { status, message, kind };
  if (type !== undefined) out.providerCode = type;
  if (credentialWide) out.credentialWide = true;
  const retryAfterMs = headers === undefined ? undefined : parseRetryAfter(headers, Date.now());
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
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
