import { formatDuration, parseDuration } from '../../core/duration.js';
import { clipErrorText } from '../../core/error-excerpt.js';
import type { ErrorKind } from '../../core/errors.js';
import { kindForCaller, kindFromStatus, overloadedIfSaid } from '../../core/kind-from-status.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
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

/**
 * Google status → [the kind the caller is told, the kind the Manager acts on where the fault lies
 * elsewhere]. `FAILED_PRECONDITION` ("User location is not supported", billing not enabled) is the
 * credential's project, so the Manager tries another credential; `CANCELLED` and `UNIMPLEMENTED` are
 * the upstream's own answers (the caller did not go away), so the Manager reads them as it reads their
 * HTTP status.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
const KIND_OF_STATUS: ReadonlyMap<string, readonly [caller: ErrorKind, manager?: ErrorKind | 'by-status']> = new Map([
  ['INVALID_ARGUMENT', ['invalid_request']],
  ['FAILED_PRECONDITION', ['invalid_request', 'forbidden']],
  ['OUT_OF_RANGE', ['invalid_request']],
  ['UNAUTHENTICATED', ['unauthorized']],
  ['PERMISSION_DENIED', ['forbidden']],
  ['NOT_FOUND', ['not_found']],
  ['ALREADY_EXISTS', ['conflict']],
  ['ABORTED', ['conflict']],
  ['RESOURCE_EXHAUSTED', ['rate_limited']],
  ['CANCELLED', ['aborted', 'by-status']],
  ['INTERNAL', ['upstream_error']],
  ['UNKNOWN', ['upstream_error']],
  ['DATA_LOSS', ['upstream_error']],
  ['UNIMPLEMENTED', ['invalid_request', 'by-status']],
  ['UNAVAILABLE', ['overloaded']],
  ['DEADLINE_EXCEEDED', ['timeout']],
] as const);

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

/** What a Google error body says, read once for both the caller's view and the Manager's. */
interface GeminiErrorReading {
  /** `error.status`, as sent (`RESOURCE_EXHAUSTED`). */
  googleStatus: string | undefined;
  /** `error.message`, as sent. */
  message: string | undefined;
  /** The kind the caller is told. */
  kind: ErrorKind;
  /** Who is at fault: the kind the Manager acts on. */
  managerKind: ErrorKind;
  retryAfterMs?: number;
  credentialWide?: boolean;
  param?: string;
}

/**
 * Reads `{"error":{"code","message","status","details"}}` (also sent as a one-element array); undefined
 * for any other body. The kind comes from `error.status`, else from the HTTP status alone. Details
 * refine it: `RetryInfo.retryDelay` is the wait; a `QuotaFailure` naming a per-day quota is
 * `quota_exhausted`, credential-wide unless the quota is per model; an `ErrorInfo` reason
 * `API_KEY_INVALID` or `API_KEY_EXPIRED` (sent with 400) is `unauthorized`. For the Manager, a
 * `NOT_FOUND` that is not about `models/…` is the path or the API version (`endpoint_not_found`).
 */
function readGeminiError(status: number, body: unknown): GeminiErrorReading | undefined {
  const root = Array.isArray(body) ? body[0] : body;
  const error = isRecord(root) ? obj(root.error) : undefined;
  if (!error) return undefined;
  const googleStatus = str(error.status);
  const message = str(error.message);
  const kinds = googleStatus === undefined ? undefined : KIND_OF_STATUS.get(googleStatus);
  let kind: ErrorKind = kinds?.[0] ?? kindFromStatus(status);
  let managerKind: ErrorKind = kinds?.[1] === 'by-status' ? kindFromStatus(status) : (kinds?.[1] ?? kind);
  const out: GeminiErrorReading = { googleStatus, message, kind, managerKind };
  for (const detail of arr(error.details)) {
    if (!isRecord(detail)) continue;
    const type = str(detail['@type']);
    if (type === `${TYPE_PREFIX}RetryInfo`) {
      const delay = parseDuration(detail.retryDelay);
      if (delay !== undefined) out.retryAfterMs = delay;
    } else if (type === `${TYPE_PREFIX}QuotaFailure`) {
      const daily = arr(detail.violations).filter((v) => /PerDay/i.test(quotaName(v)));
      if (daily.length > 0) {
        kind = managerKind = 'quota_exhausted';
        // A per-model daily limit leaves the credential's other models usable.
        out.credentialWide = daily.some((v) => !/PerModel/i.test(quotaName(v)));
      }
    } else if (type === `${TYPE_PREFIX}ErrorInfo`) {
      const reason = str(detail.reason);
      if (reason === 'API_KEY_INVALID' || reason === 'API_KEY_EXPIRED') kind = managerKind = 'unauthorized';
    } else if (type === `${TYPE_PREFIX}BadRequest`) {
      const field = str(obj(arr(detail.fieldViolations)[0])?.field);
      if (field) out.param = field;
    }
  }
  if (managerKind === 'not_found' && !(message && /\bmodels?\b/i.test(message))) managerKind = 'endpoint_not_found';
  out.kind = overloadedIfSaid(kindForCaller(kind), status, message);
  out.managerKind = overloadedIfSaid(managerKind, status, message);
  return out;
}

/**
 * A Gemini error body (`{"error":{"code","message","status","details"}}`, also sent as a one-element
 * array, or non-JSON text from a proxy) → canonical error. `RetryInfo.retryDelay` becomes
 * `retryAfterMs` (else the `retry-after` headers); a `QuotaFailure` naming a per-day quota is
 * `quota_exhausted`, credential-wide unless the quota is per model; an `ErrorInfo` reason
 * `API_KEY_INVALID` or `API_KEY_EXPIRED` (sent with 400) is `unauthorized`.
 * @see https://ai.google.dev/gemini-api/docs/rate-limits
 */
export function geminiErrorToCanonical(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): CanonicalError {
  const value = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  const root = Array.isArray(value) ? value[0] : value;
  const code = isRecord(root) ? num(obj(root.error)?.code) : undefined;
  const httpStatus = status > 0 ? status : (code ?? 502);
  const read = readGeminiError(httpStatus, value);
  if (!read) {
    const text = typeof root === 'string' ? clipErrorText(root.trim()) : '';
    const kind = kindForCaller(kindFromStatus(httpStatus));
    return withRetry({ status: httpStatus, message: text || `HTTP ${httpStatus}`, kind }, headers);
  }
  const out: CanonicalError = { status: httpStatus, message: read.message ?? `HTTP ${httpStatus}`, kind: read.kind };
  if (read.googleStatus) out.providerCode = read.googleStatus;
  if (read.retryAfterMs !== undefined) out.retryAfterMs = read.retryAfterMs;
  if (read.credentialWide !== undefined) out.credentialWide = read.credentialWide;
  if (read.param !== undefined) out.param = read.param;
  return withRetry(out, headers);
}

/**
 * How the Gemini executor reads a Google API error: the kinds of {@link geminiErrorToCanonical} as the
 * Manager acts on them (a `NOT_FOUND` that is not about a model is the path; `FAILED_PRECONDITION` is
 * the credential's project), with `RetryInfo`'s wait. Stream endpoints may wrap the error in an array.
 *
 * @see https://cloud.google.com/apis/design/errors#error_model
 * @example
 * ```ts
 * parseGeminiError({ status: 429, headers: {}, text: '', now: 0, json: { error: { status: 'RESOURCE_EXHAUSTED',
 *   details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' }] } } });
 * // { kind: 'rate_limited', retryAfterMs: 30000 }
 * ```
 */
export function parseGeminiError(failure: UpstreamFailure): ErrorClassification {
  const read = readGeminiError(failure.status, failure.json);
  if (!read) return { kind: kindFromStatus(failure.status) };
  const out: ErrorClassification = { kind: read.managerKind };
  if (read.message) out.message = read.message;
  if (read.retryAfterMs !== undefined) out.retryAfterMs = read.retryAfterMs;
  if (read.credentialWide !== undefined) out.credentialWide = read.credentialWide;
  return out;
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
    details.push({ '@type': `${TYPE_PREFIX}RetryInfo`, retryDelay: formatDuration(error.retryAfterMs) });
  }
  const body: JsonObject = { code: status, message: error.message, status: googleStatus };
  if (details.length > 0) body.details = details;
  return { status, body: { error: body } };
}

function statusOfHttp(status: number): string {
  for (const key in HTTP_OF_STATUS) if (HTTP_OF_STATUS[key] === status) return key;
  return 'UNKNOWN';
}

function quotaName(violation: unknown): string {
  const v = obj(violation);
  return `${str(v?.quotaId) ?? ''} ${str(v?.quotaMetric) ?? ''}`;
}

function withRetry(error: CanonicalError, headers?: Readonly<Record<string, string>>): CanonicalError {
  if (error.retryAfterMs === undefined && headers) {
    const after = parseRetryAfter(headers, Date.now());
    if (after !== undefined) error.retryAfterMs = after;
  }
  return error;
}
