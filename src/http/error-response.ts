import { type ErrorKind, SwitchyardError } from '../core/errors.js';
import type { CanonicalError } from '../translate/canonical.js';
import { type Dialect, isDialect } from '../translate/dialect.js';
import { renderError, translateError } from '../translate/translate.js';
import type { CoreResponse } from './types.js';

/** A failure the HTTP layer itself reports (bad input, auth, limits), before or instead of the Manager. */
export class HttpError extends Error {
  readonly status: number;
  readonly kind: ErrorKind;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    status: number,
    kind: ErrorKind,
    message: string,
    extra: { param?: string; retryAfterMs?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.kind = kind;
    this.param = extra.param;
    this.retryAfterMs = extra.retryAfterMs;
    this.headers = extra.headers;
  }
}

const encoder = new TextEncoder();

/** Upstream kinds whose body is about switchyard's own credential: the caller's key is not at fault. */
const CREDENTIAL_FAILURES: ReadonlySet<string> = new Set(['unauthorized', 'forbidden']);

/**
 * Any failure as a response in the caller's dialect: an {@link HttpError}, a {@link SwitchyardError} (an
 * upstream error body is translated into the caller's dialect), or anything else (a generic 500: the
 * message of an unexpected error may hold anything, so it is not shown).
 */
export function errorResponse(dialect: Dialect, error: unknown, requestId: string): CoreResponse {
  let status: number;
  let body: Record<string, unknown>;
  let retryAfterMs: number | undefined;
  let extraHeaders: Readonly<Record<string, string>> | undefined;
  if (error instanceof HttpError) {
    const canonical: CanonicalError = { status: error.status, message: error.message, kind: error.kind };
    if (error.param !== undefined) canonical.param = error.param;
    if (error.retryAfterMs !== undefined) canonical.retryAfterMs = error.retryAfterMs;
    ({ status, body } = render(dialect, canonical));
    status = error.status;
    retryAfterMs = error.retryAfterMs;
    extraHeaders = error.headers;
  } else if (SwitchyardError.is(error)) {
    retryAfterMs = error.retryAfterMs;
    ({ status, body } = renderSwitchyardError(dialect, error));
  } else {
    ({ status, body } = render(dialect, {
      status: 500,
      message: `Internal error (request ${requestId})`,
      kind: 'upstream_error',
    }));
    status = 500;
  }
  // Anthropic's error bodies carry the request id at the top level; the other dialects have no place for it.
  if (dialect === 'anthropic-messages') body.request_id = requestId;
  const bytes = encoder.encode(JSON.stringify(body));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(bytes.byteLength),
    'x-request-id': requestId,
    ...extraHeaders,
  };
  if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfterMs / 1000)));
  return { status, headers, body: bytes };
}

function renderSwitchyardError(
  dialect: Dialect,
  error: SwitchyardError,
): { status: number; body: Record<string, unknown> } {
  const upstream = error.upstream;
  if (upstream && CREDENTIAL_FAILURES.has(error.kind)) {
    // An upstream 401/403 concerns switchyard's credential; passed on, it would tell the client its own key is bad.
    return render(dialect, {
      status: 502,
      message: 'The upstream provider refused the credential',
      kind: 'upstream_error',
    });
  }
  if (upstream && upstream.body !== undefined && isDialect(upstream.dialect)) {
    try {
      const out = translateError({ from: upstream.dialect, to: dialect, status: upstream.status, body: upstream.body });
      // The Manager's status wins: it may differ from the last upstream's (e.g. every credential cooling).
      return { status: error.status, body: out.body };
    } catch {
      // Fall through to a render from the error itself.
    }
  }
  const canonical: CanonicalError = { status: error.status, message: error.message, kind: error.kind };
  if (error.retryAfterMs !== undefined) canonical.retryAfterMs = error.retryAfterMs;
  if (error.param !== undefined) canonical.param = error.param;
  const out = render(dialect, canonical);
  return { status: error.status, body: out.body };
}

/** The codec's rendering; a hand-made body of the same shape should the codec fail, so an error never crashes. */
function render(dialect: Dialect, error: CanonicalError): { status: number; body: Record<string, unknown> } {
  try {
    return renderError(dialect, error);
  } catch {
    return { status: error.status, body: fallbackBody(dialect, error) };
  }
}

function fallbackBody(dialect: Dialect, error: CanonicalError): Record<string, unknown> {
  switch (dialect) {
    case 'anthropic-messages':
      return { type: 'error', error: { type: 'api_error', message: error.message } };
    case 'gemini':
      return { error: { code: error.status, message: error.message, status: 'UNKNOWN' } };
    default:
      return { error: { message: error.message, type: 'api_error', param: error.param ?? null, code: null } };
  }
}
