import type { ErrorKind } from './errors.js';

/**
 * The kind an upstream's HTTP status implies on its own, when its body says nothing more specific (a
 * proxy's HTML page, an empty body, an error type the dialect does not define). The kind says who is
 * at fault, which is what the Manager acts on: 400 / 413 / 422 are the caller's request (never
 * retried); 408, 503, 504 and Anthropic's 529 are the upstream's (another credential is tried); a 404
 * that no provider parser explained as a missing model is about the path (`endpoint_not_found`: a
 * wrong base URL or a service without that API).
 *
 * @example
 * ```ts
 * kindFromStatus(408); // 'timeout'
 * kindFromStatus(503); // 'overloaded'
 * ```
 */
export function kindFromStatus(status: number): ErrorKind {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 402:
      return 'quota_exhausted';
    case 403:
      return 'forbidden';
    case 404:
      return 'endpoint_not_found';
    case 408:
    case 504:
      return 'timeout';
    case 429:
      return 'rate_limited';
    case 503:
    case 529:
      return 'overloaded';
    default:
      return status >= 500 || status < 400 ? 'upstream_error' : 'invalid_request';
  }
}

const OVERLOAD = /overload/i;

/**
 * A server error whose message says the upstream is overloaded (OpenAI's "The engine is currently
 * overloaded", a proxy's "503 Service overloaded") is `overloaded`, whatever generic kind it had.
 *
 * @example
 * ```ts
 * overloadedIfSaid('upstream_error', 500, 'The engine is currently overloaded'); // 'overloaded'
 * ```
 */
export function overloadedIfSaid(kind: ErrorKind, status: number, message: string | undefined): ErrorKind {
  return kind === 'upstream_error' && status >= 500 && message !== undefined && OVERLOAD.test(message)
    ? 'overloaded'
    : kind;
}

/**
 * The kind an upstream error is rendered with for the caller: whether a 404 was about the path
 * (`endpoint_not_found`, which the Manager parks briefly) or about the model, the caller is told
 * "not found"; every other kind is the same for both.
 *
 * @example
 * ```ts
 * kindForCaller(kindFromStatus(404)); // 'not_found'
 * ```
 */
export function kindForCaller(kind: ErrorKind): ErrorKind {
  return kind === 'endpoint_not_found' ? 'not_found' : kind;
}
