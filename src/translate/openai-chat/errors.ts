import { parseDuration } from '../../core/duration.js';
import { excerptErrorBody } from '../../core/error-excerpt.js';
import { DEFAULT_STATUS, type ErrorKind } from '../../core/errors.js';
import { kindForCaller, kindFromStatus, overloadedIfSaid } from '../../core/kind-from-status.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
import type { CanonicalError } from '../canonical.js';
import { isRecord, num, obj, parseJson, str } from '../json.js';

/**
 * The `type` and `code` of each canonical error read from an OpenAI-style body, so an OpenAI-dialect
 * caller gets them back exactly as the upstream sent them (OpenAI's 429 has `type: "requests"` and
 * `code: "rate_limit_exceeded"`; a model-not-found 404 has `type: "invalid_request_error"`). The
 * canonical `providerCode` holds one string, not enough to rebuild both; a WeakMap keeps the canonical
 * shape as it is and forgets the entry with the error.
 */
const ORIGINAL = new WeakMap<CanonicalError, { type: string; code: string | null }>();

/** Error codes meaning the account is out of money or quota, not merely too fast. */
const QUOTA_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
]);

/**
 * How compatible servers that send no `code` say a model is missing: vLLM ("The model `x` does not
 * exist."), Ollama ("model \"x\" not found, try pulling it first"), OpenRouter ("No endpoints found for x").
 */
const MODEL_MISSING = /\bmodel\b.*\b(not found|does not exist|not exist|unknown)\b|no endpoints found/i;

/** The fields of an OpenAI-style error, as sent. */
interface OpenAIErrorFields {
  /** The error object: `error`, or the body itself when it has no `error` object. */
  error: Record<string, unknown> | undefined;
  type: string | undefined;
  code: string | undefined;
  /** `error.message`, or a string `error`. */
  message: string | undefined;
}

/**
 * Reads `{"error":{"message","type","param","code"}}`, and what compatible servers send instead: the
 * error wrapped in an array (Gemini's compat layer), a bare `{ message, type }`, a string `error`.
 */
function readOpenAIError(value: unknown): OpenAIErrorFields {
  const root = Array.isArray(value) && value.length > 0 ? value[0] : value;
  const error = isRecord(root) ? (obj(root.error) ?? root) : undefined;
  const rawCode = error?.code;
  return {
    error,
    type: str(error?.type),
    code: typeof rawCode === 'number' ? String(rawCode) : str(rawCode),
    message: str(error?.message) ?? (isRecord(root) ? str(root.error) : undefined),
  };
}

/**
 * Who is at fault, from an OpenAI-style error's status, `type`, `code` and message (`readable` is the
 * message or, for a non-JSON body, its excerpt). `insufficient_quota` arrives as a 429 like a plain
 * rate limit but will not pass with waiting, so it is a quota exhaustion; a 404 is a missing model only
 * when the code or the message says so, else the path (`endpoint_not_found`).
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
function kindOf(status: number, { type, code, message }: OpenAIErrorFields, readable: string | undefined): ErrorKind {
  if ((code !== undefined && QUOTA_CODES.has(code)) || type === 'insufficient_quota' || status === 402) {
    return 'quota_exhausted';
  }
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_exceeded' || status === 429) return 'rate_limited';
  if (status === 401 || type === 'authentication_error' || code === 'invalid_api_key') return 'unauthorized';
  if (status === 403 || type === 'permission_error') return 'forbidden';
  if (code === 'model_not_found') return 'not_found';
  if (status === 404) return message && MODEL_MISSING.test(message) ? 'not_found' : 'endpoint_not_found';
  if (type === 'not_found_error') return 'not_found';
  const overloaded = code === 'overloaded' || type === 'overloaded_error';
  if (status >= 400) {
    const kind = kindFromStatus(status);
    return overloaded && kind === 'upstream_error' ? 'overloaded' : overloadedIfSaid(kind, status, readable);
  }
  // No error status (an error inside a 200 stream): the type or code is all there is.
  if (overloaded) return 'overloaded';
  if (type === 'invalid_request_error' || code === 'invalid_prompt') return 'invalid_request';
  if (code === 'too_many_requests' || type === 'too_many_requests') return 'rate_limited';
  return 'upstream_error';
}

/**
 * An OpenAI error body (`{"error":{"message","type","param","code"}}`), a non-JSON body (an HTML page from
 * a proxy, plain text) or an in-stream error object, with its HTTP status, in canonical form. A status
 * that is not an error (200: the error came inside a stream) is replaced by the kind's usual status.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function errorToCanonical(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): CanonicalError {
  const value = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  const fields = readOpenAIError(value);
  const { error, type, code } = fields;
  const excerpt = typeof value === 'string' ? excerptErrorBody(value) : '';
  const message = fields.message ?? (excerpt || `Upstream error (HTTP ${status})`);
  const kind = kindForCaller(kindOf(status, fields, message));
  const out: CanonicalError = {
    status: status >= 400 ? status : DEFAULT_STATUS[kind],
    message,
    kind,
  };
  // Only a real OpenAI error object (a `type` beside the message), not a Responses stream event's `type: 'error'`.
  if (error !== undefined && type !== undefined && type !== 'error' && str(error.message) !== undefined) {
    ORIGINAL.set(out, { type, code: code ?? null });
  }
  // `type: 'error'` is a Responses stream event's own discriminator, not a provider code.
  const providerCode = code ?? (type === 'error' ? undefined : type);
  if (providerCode !== undefined) out.providerCode = providerCode;
  const param = str(error?.param);
  if (param !== undefined) out.param = param;
  if (kind === 'quota_exhausted') out.credentialWide = true;
  if (headers) {
    const retryAfterMs = retryAfter(headers);
    if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  }
  return out;
}

/**
 * How the OpenAI executor (and every OpenAI-compatible one) reads an error answer: the kind of
 * {@link errorToCanonical} as the Manager acts on it, so a 404 that is not about a model is the path.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 * @example
 * ```ts
 * parseOpenAIError({ status: 429, headers: {}, json: { error: { code: 'insufficient_quota' } }, text: '', now: 0 });
 * // { kind: 'quota_exhausted', credentialWide: true }
 * ```
 */
export function parseOpenAIError(failure: UpstreamFailure): ErrorClassification {
  const fields = readOpenAIError(failure.json);
  const message = fields.message || undefined;
  const kind = kindOf(failure.status, fields, message);
  const out: ErrorClassification = message === undefined ? { kind } : { kind, message };
  if (kind === 'quota_exhausted') out.credentialWide = true;
  return out;
}

/**
 * `retry-after-ms` / `retry-after`, else OpenAI's rate-limit reset header for whichever limit is at zero
 * (`x-ratelimit-reset-requests: 1s`, `x-ratelimit-reset-tokens: 6m0s`).
 */
function retryAfter(headers: Readonly<Record<string, string>>): number | undefined {
  const hinted = parseRetryAfter(headers, Date.now());
  if (hinted !== undefined) return hinted;
  let wait: number | undefined;
  for (const limit of ['requests', 'tokens']) {
    if (headers[`x-ratelimit-remaining-${limit}`] !== '0') continue;
    const reset = parseDuration(headers[`x-ratelimit-reset-${limit}`]);
    if (reset !== undefined && (wait === undefined || reset > wait)) wait = reset;
  }
  return wait;
}

/** The `type` (and default `code`) OpenAI-style bodies use for each kind. */
const TYPES: Partial<Record<string, readonly [type: string, code: string | null]>> = {
  invalid_request: ['invalid_request_error', null],
  unauthorized: ['authentication_error', 'invalid_api_key'],
  forbidden: ['permission_error', null],
  not_found: ['not_found_error', null],
  model_not_found: ['not_found_error', 'model_not_found'],
  rate_limited: ['rate_limit_exceeded', 'rate_limit_exceeded'],
  quota_exhausted: ['insufficient_quota', 'insufficient_quota'],
  overloaded: ['server_error', 'overloaded'],
  upstream_error: ['server_error', null],
  network: ['server_error', null],
  timeout: ['timeout', null],
  no_credentials: ['server_error', 'no_credentials'],
};

/**
 * A canonical error as OpenAI's error body, with its status. The provider's own code is kept when the
 * error came from an OpenAI-style upstream, so a same-dialect render is faithful.
 */
export function errorFromCanonical(error: CanonicalError): { status: number; body: Record<string, unknown> } {
  const [type, defaultCode] = TYPES[error.kind] ?? ['api_error', null];
  const status =
    num(error.status) !== undefined && error.status >= 400
      ? error.status
      : (DEFAULT_STATUS[error.kind as ErrorKind] ?? 500);
  const original = ORIGINAL.get(error);
  if (original !== undefined) {
    // From an OpenAI-style upstream: its `type` and `code` as it sent them, never re-derived from the kind.
    return {
      status,
      body: { error: { message: error.message, type: original.type, param: error.param ?? null, code: original.code } },
    };
  }
  return {
    status,
    body: {
      error: {
        message: error.message,
        type,
        param: error.param ?? null,
        // A provider code equal to the type is OpenAI's `code: null` read back as the type: do not invent a code.
        code: error.providerCode !== undefined && error.providerCode !== type ? error.providerCode : defaultCode,
      },
    },
  };
}
