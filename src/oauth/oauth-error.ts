import * as oauth from 'oauth4webapi';
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
  if (err instanceof oauth.ResponseBodyError) {
    const detail = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    return Object.assign(new UnauthorizedError(clean(`${what}: the server answered ${err.status} ${detail}`)), {
      oauthError: err.error,
    });
  }
  if (err instanceof oauth.AuthorizationResponseError) {
    const detail = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    return Object.assign(new UnauthorizedError(clean(`${what}: the authorization was refused (${detail})`)), {
      oauthError: err.error,
    });
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    return new UnauthorizedError(clean(`${what}: the server refused the client (${err.status})`));
  }
  if (err instanceof oauth.OperationProcessingError) {
    return new UpstreamError(clean(`${what}: ${err.message}`));
  }
  if (err instanceof TypeError) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return new UpstreamError(clean(`${what}: the server could not be reached${cause ? ` (${cause})` : ''}`));
  }
  if (err instanceof Error && err.name === 'AbortError') return new UpstreamError(`${what}: cancelled`);
  return new UpstreamError(clean(`${what}: ${err instanceof Error ? err.message : String(err)}`));
}

/** The OAuth error code an {@link oauthFailure} carries, if any. */
export function oauthErrorCode(err: unknown): string | undefined {
  const code = (err as { oauthError?: unknown } | null)?.oauthError;
  return typeof code === 'string' ? code : undefined;
}
