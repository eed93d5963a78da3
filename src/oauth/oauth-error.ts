import { SwitchyardError, UnauthorizedError, UpstreamError } from '../core/errors.js';
import { scrubSecrets } from '../core/scrub-secrets.js';

/**
 * Any failure of an OAuth exchange as one of our errors, its message free of the secrets given
 * (client secret, codes, verifiers, tokens): an OAuth error answer (`invalid_grant: ...`) becomes an
 * `unauthorized` error naming the server's code, a broken answer an `upstream_error`, a network
 * failure an `upstream_error` saying the server could not be reached.
 */
export function oauthFailure(err: unknown, what: string, secrets: readonly string[]): SwitchyardError {
  if (SwitchyardError.is(err)) return err;
  const clean = (text: string) => scrubSecrets(text, secrets);
  // oauth4webapi's errors by their `code` (stable strings), not instanceof: the module is loaded lazily.
  const e = err as OAuthLibraryError;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'OAUTH_RESPONSE_BODY_ERROR' || code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') {
    const detail = e.error_description ? `${e.error}: ${e.error_description}` : String(e.error);
    const message =
      code === 'OAUTH_RESPONSE_BODY_ERROR'
        ? `${what}: the server answered ${e.status} ${detail}`
        : `${what}: the authorization was refused (${detail})`;
    return Object.assign(new UnauthorizedError(clean(message)), { oauthError: e.error });
  }
  if (code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE') {
    return new UnauthorizedError(clean(`${what}: the server refused the client (${e.status})`));
  }
  if (code.startsWith('OAUTH_') || code.startsWith('ERR_JW')) {
    return new UpstreamError(clean(`${what}: ${e.message}`));
  }
  if (err instanceof TypeError) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return new UpstreamError(clean(`${what}: the server could not be reached${cause ? ` (${cause})` : ''}`));
  }
  if (err instanceof Error && err.name === 'AbortError') return new UpstreamError(`${what}: cancelled`);
  return new UpstreamError(clean(`${what}: ${err instanceof Error ? err.message : String(err)}`));
}

/** The fields of oauth4webapi's errors that are read here. */
interface OAuthLibraryError {
  code?: unknown;
  message: string;
  error?: string;
  error_description?: string;
  status?: number;
}

/** The OAuth error code an {@link oauthFailure} carries, if any. */
export function oauthErrorCode(err: unknown): string | undefined {
  const code = (err as { oauthError?: unknown } | null)?.oauthError;
  return typeof code === 'string' ? code : undefined;
}
