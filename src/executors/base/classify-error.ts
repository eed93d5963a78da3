import { createError, type SwitchyardError } from '../../core/errors.js';
import { kindFromStatus, overloadedIfSaid } from '../../core/kind-from-status.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { Dialect } from '../../translate/dialect.js';
import type { ErrorClassification, UpstreamFailure } from './types.js';

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
 * generic rules (the status table of `kindFromStatus`, `Retry-After`, "overloaded" in a server error).
 * The body kept in `upstream` is the parsed JSON or short text, so the HTTP layer can re-render it in
 * the caller's dialect.
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
  const detail = classification.message ?? failure.text;
  const kind = overloadedIfSaid(classification.kind ?? kindFromStatus(status), status, detail);
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
