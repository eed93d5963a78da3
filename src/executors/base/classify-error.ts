import { createError, type ErrorKind, type SwitchyardError } from '../../core/errors.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { Dialect } from '../../translate/dialect.js';
import type { ErrorClassification, UpstreamFailure } from './types.js';

/**
 * The kind of an upstream status when the provider's body says nothing more specific.
 * @see DESIGN.md, failure table
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
      // Only a provider's own "model not found" answer (its parser says so) means the model is missing;
      // any other 404 is about the path: a wrong base URL or a service without that API.
      return 'endpoint_not_found';
    case 408:
    case 504:
      return 'timeout';
    case 429:
      return 'rate_limited';
    case 529:
      return 'overloaded';
    default:
      return status >= 500 || status < 400 ? 'upstream_error' : 'invalid_request';
  }
}

/** Where an error happened, for its `upstream` info and message. */
export interface ErrorContext {
  provider: string;
  dialect: Dialect;
  credentialId: string;
  /** The upstream path called, without its query. */
  path?: string;
}

/**
 * Builds the error for a failed upstream answer: the provider's classification first, then the
 * generic rules (status table, `Retry-After`, "overloaded" in a 503). The body kept in `upstream` is the
 * parsed JSON or short text, so the HTTP layer can re-render it in the caller's dialect.
 *
 * @example
 * ```ts
 * const err = buildUpstreamError(failure, openaiDeclaration.parseError(failure), ctx);
 * err.kind; // 'rate_limited'
 * ```
 */
export function buildUpstreamError(
  failure: UpstreamFailure,
  classification: ErrorClassification,
  context: ErrorContext,
): SwitchyardError {
  const { status } = failure;
  let kind = classification.kind ?? kindFromStatus(status);
  const detail = classification.message ?? failure.text;
  if (kind === 'upstream_error' && status === 503 && /overload/i.test(detail)) kind = 'overloaded';
  const retryAfterMs = classification.retryAfterMs ?? parseRetryAfter(failure.headers, failure.now);
  const credentialWide = classification.credentialWide ?? kind === 'quota_exhausted';
  if (kind === 'endpoint_not_found') {
    // The upstream's page (HTML, "Invalid URL") means nothing to the caller: say what is wrong instead.
    const where = context.path ? ` ${context.path}` : ' this endpoint';
    return createError(
      kind,
      `The upstream ${context.provider} does not serve${where} (it answered ${status}${detail ? `: ${clip(detail)}` : ''})`,
      {
        status: 502,
        credentialId: context.credentialId,
        upstream: {
          provider: context.provider,
          dialect: context.dialect,
          status,
          ...(context.path ? { path: context.path } : {}),
        },
      },
    );
  }
  const message = `${context.provider} answered ${status}${detail ? `: ${clip(detail)}` : ''}`;
  return createError(kind, message, {
    status,
    credentialId: context.credentialId,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(credentialWide ? { credentialWide } : {}),
    upstream: {
      provider: context.provider,
      dialect: context.dialect,
      status,
      body: failure.json ?? failure.text,
    },
  });
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Maps a transport failure (undici or socket error, abort) to a switchyard error with `cause` set.
 * Checks the caller's signal first: once it is aborted, whatever undici reports is an abort.
 *
 * @example
 * ```ts
 * try { await dispatcher.request(opts) } catch (err) { throw mapTransportError(err, signal, ctx, host) }
 * ```
 */
export function mapTransportError(
  err: unknown,
  signal: AbortSignal | undefined,
  context: ErrorContext,
  host: string,
): SwitchyardError {
  const options = { credentialId: context.credentialId, cause: err };
  if (signal?.aborted) return createError('aborted', 'The request was aborted', options);
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const name = err instanceof Error ? err.name : '';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return createError('timeout', `Connecting to ${context.provider} (${host}) timed out`, options);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return createError('timeout', `${context.provider} (${host}) sent no response headers in time`, options);
    case 'UND_ERR_BODY_TIMEOUT':
      return createError('timeout', `${context.provider} (${host}) stopped sending the response body`, options);
    case 'UND_ERR_ABORTED':
      return createError('aborted', 'The request was aborted', options);
  }
  if (name === 'AbortError') return createError('aborted', 'The request was aborted', options);
  const reason = typeof code === 'string' ? code : name || 'error';
  return createError('network', `Connection to ${context.provider} (${host}) failed: ${reason}`, options);
}
