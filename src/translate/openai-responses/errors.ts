import { DEFAULT_STATUS, type ErrorKind } from '../../core/errors.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { CanonicalError } from '../canonical.js';
import { isRecord, obj, parseJson, str } from '../json.js';

// Same mapping as the openai-chat dialect (both speak OpenAI's error shape); to be shared once both land.

const MAX_TEXT = 500;

/**
 * An OpenAI error body (`{"error":{"message","type","param","code"}}`), a non-JSON body (an HTML page
 * from a proxy, plain text), or the payload of a stream `error` event (flat `{code, message, param}` as
 * documented, or nested under `error` as OpenAI actually sends it), in canonical form.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function errorToCanonical(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): CanonicalError {
  const value = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  const error = isRecord(value) ? (obj(value.error) ?? value) : undefined;
  const type = str(error?.type);
  const rawCode = error?.code;
  const code = typeof rawCode === 'number' ? String(rawCode) : str(rawCode);
  const message =
    str(error?.message) ??
    (isRecord(value) ? str(value.error) : undefined) ??
    (typeof value === 'string' ? textMessage(value) : undefined) ??
    `Upstream error (HTTP ${status})`;
  const kind = classify(status, type, code);
  const out: CanonicalError = { status: status >= 400 ? status : DEFAULT_STATUS[kind], message, kind };
  // `type: 'error'` is the stream event's own discriminator, not a provider code.
  const providerCode = code ?? (type === 'error' ? undefined : type);
  if (providerCode !== undefined) out.providerCode = providerCode;
  const param = str(error?.param);
  if (param !== undefined) out.param = param;
  if (kind === 'quota_exhausted') out.credentialWide = true;
  const retryAfterMs = headers ? parseRetryAfter(headers, Date.now()) : undefined;
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  return out;
}

function classify(status: number, type: string | undefined, code: string | undefined): ErrorKind {
  if (code === 'insufficient_quota' || type === 'insufficient_quota') return 'quota_exhausted';
  if (status === 429 || code === 'rate_limit_exceeded' || type === 'rate_limit_exceeded') return 'rate_limited';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 400 || status === 413 || status === 422) return 'invalid_request';
  if (status >= 500) return 'upstream_error';
  if (status >= 400) return 'invalid_request';
  // No error status (an error inside a 200 stream): the type or code is all there is.
  if (type === 'invalid_request_error' || code === 'invalid_prompt') return 'invalid_request';
  if (code === 'too_many_requests' || type === 'too_many_requests') return 'rate_limited';
  return 'upstream_error';
}

/** A readable message from a non-JSON body: an HTML page's title, else the text, cut short. */
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

/** The OpenAI `type` and default `code` for each kind. */
const TYPES: Readonly<Record<string, readonly [type: string, code: string | null]>> = {
  invalid_request: ['invalid_request_error', null],
  unauthorized: ['authentication_error', 'invalid_api_key'],
  forbidden: ['permission_error', null],
  not_found: ['not_found_error', null],
  model_not_found: ['not_found_error', 'model_not_found'],
  rate_limited: ['rate_limit_exceeded', 'rate_limit_exceeded'],
  quota_exhausted: ['insufficient_quota', 'insufficient_quota'],
  overloaded: ['server_error', 'overloaded'],
  upstream_error: ['server_error', null],
  timeout: ['timeout', null],
};

/** A canonical error as OpenAI's error body with its HTTP status; the provider's own code is kept. */
export function errorFromCanonical(error: CanonicalError): { status: number; body: Record<string, unknown> } {
  const [type, defaultCode] = TYPES[error.kind] ?? ['server_error', null];
  const status = error.status >= 400 ? error.status : (DEFAULT_STATUS[error.kind as ErrorKind] ?? 500);
  return {
    status,
    body: {
      error: { message: error.message, type, param: error.param ?? null, code: error.providerCode ?? defaultCode },
    },
  };
}

/** The `code` of a failed response (`response.error.code`) for a canonical error. */
export function responseErrorCode(error: CanonicalError): string {
  if (error.kind === 'rate_limited') return 'rate_limit_exceeded';
  return 'server_error';
}
