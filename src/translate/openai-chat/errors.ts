import { DEFAULT_STATUS, type ErrorKind } from '../../core/errors.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { CanonicalError } from '../canonical.js';
import { isRecord, num, obj, parseJson, str } from '../json.js';

const MAX_TEXT = 500;

/**
 * The `type` and `code` of each canonical error read from an OpenAI-style body, so an OpenAI-dialect
 * caller gets them back exactly as the upstream sent them (OpenAI's 429 has `type: "requests"` and
 * `code: "rate_limit_exceeded"`; a model-not-found 404 has `type: "invalid_request_error"`). The
 * canonical `providerCode` holds one string, not enough to rebuild both; a WeakMap keeps the canonical
 * shape as it is and forgets the entry with the error.
 */
const ORIGINAL = new WeakMap<CanonicalError, { type: string; code: string | null }>();

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
  let value = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  // Some OpenAI-compatible services wrap the error in an array (Gemini's compat layer does).
  if (Array.isArray(value) && value.length > 0) value = value[0];
  const error = isRecord(value) ? (obj(value.error) ?? value) : undefined;
  const type = str(error?.type);
  const rawCode = error?.code;
  const code = typeof rawCode === 'number' ? String(rawCode) : str(rawCode);
  const message =
    str(error?.message) ??
    (isRecord(value) ? str(value.error) : undefined) ??
    (typeof value === 'string' ? textMessage(value) : undefined) ??
    `Upstream error (HTTP ${status})`;
  const kind = classify(status, type, code, message);
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

function classify(status: number, type: string | undefined, code: string | undefined, message: string): ErrorKind {
  if (code === 'insufficient_quota' || type === 'insufficient_quota' || status === 402) return 'quota_exhausted';
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_exceeded' || status === 429) return 'rate_limited';
  if (status === 401 || type === 'authentication_error' || code === 'invalid_api_key') return 'unauthorized';
  if (status === 403 || type === 'permission_error') return 'forbidden';
  if (status === 404 || type === 'not_found_error' || code === 'model_not_found') return 'not_found';
  if (status === 400 || status === 413 || status === 422) return 'invalid_request';
  if (status === 408) return 'timeout';
  if (
    status === 503 ||
    status === 529 ||
    code === 'overloaded' ||
    type === 'overloaded_error' ||
    (status >= 500 && /overloaded/i.test(message))
  ) {
    return 'overloaded';
  }
  if (status >= 500) return 'upstream_error';
  if (status >= 400) return 'invalid_request';
  // No error status (an error inside a 200 stream): the type or code is all there is.
  if (type === 'invalid_request_error' || code === 'invalid_prompt') return 'invalid_request';
  if (code === 'too_many_requests' || type === 'too_many_requests') return 'rate_limited';
  return 'upstream_error';
}

/** A readable message from a non-JSON body: an HTML page's title, else the text, trimmed and cut short. */
function textMessage(text: string): string | undefined {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const message =
    title ||
    text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  if (message === '') return undefined;
  return message.length > MAX_TEXT ? `${message.slice(0, MAX_TEXT)}…` : message;
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

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as OpenAI sends them: `20ms`, `1s`, `6m0s`, `1h2m3.5s`. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match !== null; match = re.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2]!] ?? 0);
    consumed += match[0].length;
  }
  return consumed > 0 && consumed === text.trim().length ? Math.round(total) : undefined;
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
