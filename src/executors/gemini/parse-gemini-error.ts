import type { ErrorKind } from '../../core/errors.js';
import type { ErrorClassification, UpstreamFailure } from '../base/types.js';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/** @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes */
const KIND_BY_STATUS: Record<string, ErrorKind> = {
  INVALID_ARGUMENT: 'invalid_request',
  // "User location is not supported" and billing preconditions belong to the credential, not the request.
  FAILED_PRECONDITION: 'forbidden',
  UNAUTHENTICATED: 'unauthorized',
  PERMISSION_DENIED: 'forbidden',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limited',
  INTERNAL: 'upstream_error',
  UNAVAILABLE: 'upstream_error',
  DEADLINE_EXCEEDED: 'timeout',
};

/**
 * Reads a Google API error, `{ error: { code, message, status, details: [...] } }` (stream endpoints
 * may wrap it in an array). `RESOURCE_EXHAUSTED` carries its wait in a `google.rpc.RetryInfo` detail
 * (`retryDelay: "30s"`); an invalid key arrives as a 400 whose `ErrorInfo.reason` is `API_KEY_INVALID`.
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
  const root = Array.isArray(failure.json) ? failure.json[0] : failure.json;
  const error = isObject(root) && isObject(root.error) ? root.error : undefined;
  if (!error) return {};
  const out: ErrorClassification = {};
  if (typeof error.message === 'string' && error.message) out.message = error.message;
  const status = typeof error.status === 'string' ? error.status : undefined;
  const kind = status ? KIND_BY_STATUS[status] : undefined;
  if (kind) out.kind = kind;
  const details = Array.isArray(error.details) ? error.details.filter(isObject) : [];
  for (const detail of details) {
    if (detail['@type'] === RETRY_INFO) {
      const delay = parseGoogleDuration(detail.retryDelay);
      if (delay !== undefined) out.retryAfterMs = delay;
    } else if (detail['@type'] === ERROR_INFO && typeof detail.reason === 'string') {
      if (detail.reason === 'API_KEY_INVALID' || detail.reason === 'API_KEY_EXPIRED') out.kind = 'unauthorized';
    }
  }
  // NOT_FOUND about `models/...` means the model; any other NOT_FOUND is the path or the API version.
  if (kind === 'not_found' && !(out.message && /\bmodels?\b/i.test(out.message))) out.kind = 'endpoint_not_found';
  if (status === 'UNAVAILABLE' && out.message && /overload/i.test(out.message)) out.kind = 'overloaded';
  return out;
}

/** Google's JSON Duration: seconds with up to nine decimals and an `s` suffix, e.g. `"30s"`, `"1.5s"`. */
export function parseGoogleDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
