import { parseRetryAfter } from '../../core/retry-after.js';
import type { CanonicalError } from '../canonical.js';
import { arr, isRecord, type JsonObject, num, obj, parseJson, str } from '../json.js';

/**
 * Google's canonical status strings and the HTTP status each is served with.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#handling_errors
 */
const HTTP_OF_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

const KIND_OF_STATUS: Readonly<Record<string, string>> = {
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  UNAUTHENTICATED: 'unauthorized',
  PERMISSION_DENIED: 'forbidden',
  NOT_FOUND: 'not_found',
  ALREADY_EXISTS: 'conflict',
  ABORTED: 'conflict',
  RESOURCE_EXHAUSTED: 'rate_limited',
  CANCELLED: 'aborted',
  INTERNAL: 'upstream_error',
  UNKNOWN: 'upstream_error',
  DATA_LOSS: 'upstream_error',
  UNIMPLEMENTED: 'invalid_request',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
};

const STATUS_OF_KIND: Readonly<Record<string, string>> = {
  invalid_request: 'INVALID_ARGUMENT',
  unauthorized: 'UNAUTHENTICATED',
  forbidden: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  model_not_found: 'NOT_FOUND',
  rate_limited: 'RESOURCE_EXHAUSTED',
  quota_exhausted: 'RESOURCE_EXHAUSTED',
  overloaded: 'UNAVAILABLE',
  no_credentials: 'UNAVAILABLE',
  timeout: 'DEADLINE_EXCEEDED',
  aborted: 'CANCELLED',
  conflict: 'ABORTED',
};

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/**
 * A Gemini error body (`{"error":{"code","message","status","details"}}`, also sent as a one-element
 * array, or non-JSON text from a proxy) → canonical error. `RetryInfo.retryDelay` becomes
 * `retryAfterMs` (else the `retry-after` headers); a `QuotaFailure` naming a per-day quota is
 * `quota_exhausted`, credential-wide unless the quota is per model; an `ErrorInfo` reason
 * `API_KEY_INVALID` (sent with 400) is `unauthorized`.
 * @see https://ai.google.dev/gemini-api/docs/rate-limits
 */
export function geminiErrorToCanonical(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): CanonicalError {
  let value = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  if (Array.isArray(value)) value = value[0];
  const error = isRecord(value) ? obj(value.error) : undefined;
  const httpStatus = status > 0 ? status : (num(error?.code) ?? 502);
  if (!error) {
    const text = typeof value === 'string' ? value.trim().slice(0, 500) : '';
    return withRetry(
      { status: httpStatus, message: text || `HTTP ${httpStatus}`, kind: kindOfHttp(httpStatus) },
      headers,
    );
  }
  const googleStatus = str(error.status);
  const message = str(error.message) ?? `HTTP ${httpStatus}`;
  let kind = (googleStatus && KIND_OF_STATUS[googleStatus]) || kindOfHttp(httpStatus);
  const out: CanonicalError = { status: httpStatus, message, kind };
  if (googleStatus) out.providerCode = googleStatus;
  for (const detail of arr(error.details)) {
    if (!isRecord(detail)) continue;
    const type = str(detail['@type']);
    if (type === `${TYPE_PREFIX}RetryInfo`) {
      const delay = parseDuration(detail.retryDelay);
      if (delay !== undefined) out.retryAfterMs = delay;
    } else if (type === `${TYPE_PREFIX}QuotaFailure`) {
      const daily = arr(detail.violations).filter((v) => /PerDay/i.test(quotaName(v)));
      if (daily.length > 0) {
        kind = 'quota_exhausted';
        // A per-model daily limit leaves the credential's other models usable.
        out.credentialWide = daily.some((v) => !/PerModel/i.test(quotaName(v)));
      }
    } else if (type === `${TYPE_PREFIX}ErrorInfo`) {
      if (str(detail.reason) === 'API_KEY_INVALID') kind = 'unauthorized';
    } else if (type === `${TYPE_PREFIX}BadRequest`) {
      const field = str(obj(arr(detail.fieldViolations)[0])?.field);
      if (field) out.param = field;
    }
  }
  out.kind = kind;
  return withRetry(out, headers);
}

/** A canonical error → Gemini's error body and HTTP status, with RetryInfo / QuotaFailure / BadRequest details. */
export function geminiErrorFromCanonical(error: CanonicalError): { status: number; body: JsonObject } {
  const googleStatus =
    error.providerCode && HTTP_OF_STATUS[error.providerCode] !== undefined
      ? error.providerCode
      : (STATUS_OF_KIND[error.kind] ?? (error.status >= 500 ? 'INTERNAL' : statusOfHttp(error.status)));
  // Non-standard statuses (Anthropic's 529) become the one Google serves for that status string.
  const status =
    error.status >= 400 && error.status < 600 && error.status !== 529
      ? error.status
      : (HTTP_OF_STATUS[googleStatus] ?? 500);
  const details: JsonObject[] = [];
  if (error.kind === 'quota_exhausted') {
    details.push({
      '@type': `${TYPE_PREFIX}QuotaFailure`,
      violations: [{ quotaId: error.credentialWide ? 'RequestsPerDayPerProject' : 'RequestsPerDayPerProjectPerModel' }],
    });
  }
  if (error.param) {
    details.push({
      '@type': `${TYPE_PREFIX}BadRequest`,
      fieldViolations: [{ field: error.param, description: error.message }],
    });
  }
  if (error.retryAfterMs !== undefined) {
    details.push({ '@type': `${TYPE_PREFIX}RetryInfo`, retryDelay: `${error.retryAfterMs / 1000}s` });
  }
  const body: JsonObject = { code: status, message: error.message, status: googleStatus };
  if (details.length > 0) body.details = details;
  return { status, body: { error: body } };
}

function kindOfHttp(status: number): string {
  if (status === 400 || status === 413 || status === 422) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 503 || status === 529) return 'overloaded';
  return 'upstream_error';
}

function statusOfHttp(status: number): string {
  for (const key in HTTP_OF_STATUS) if (HTTP_OF_STATUS[key] === status) return key;
  return 'UNKNOWN';
}

function quotaName(violation: unknown): string {
  const v = obj(violation);
  return `${str(v?.quotaId) ?? ''} ${str(v?.quotaMetric) ?? ''}`;
}

/** A protobuf Duration in JSON (`"30s"`, `"1.5s"`) → ms. */
function parseDuration(value: unknown): number | undefined {
  const text = str(value);
  if (!text) return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function withRetry(error: CanonicalError, headers?: Readonly<Record<string, string>>): CanonicalError {
  if (error.retryAfterMs === undefined && headers) {
    const after = parseRetryAfter(headers, Date.now());
    if (after !== undefined) error.retryAfterMs = after;
  }
  return error;
}
