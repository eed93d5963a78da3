import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Credential } from '../../core/credential.js';
import { excerptErrorBody } from '../../core/error-excerpt.js';
import { createError, type SwitchyardError, UnauthorizedError, UpstreamError } from '../../core/errors.js';
import { kindFromStatus } from '../../core/kind-from-status.js';
import { scrubSecrets } from '../../core/scrub-secrets.js';
import { isRecord } from '../../translate/json.js';
import { mapTransportError } from './classify-error.js';
import { secretsOf } from './credential-secret.js';
import { readAll } from './read-body.js';

/** A token answer is a small JSON object; anything larger is not one. */
const TOKEN_BODY_LIMIT = 256 * 1024;

/** OAuth error codes (RFC 6749 §5.2) that mean the grant or the client is no good: re-authorise. */
const REVOKED = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

/**
 * Marks an error from a token endpoint that refused the grant itself (`invalid_grant`, `invalid_client`,
 * `unauthorized_client`): retrying cannot help, the account must be authorised again. The value is the
 * OAuth error code. `Symbol.for`, so it survives two copies of the package.
 */
export const REVOKED_GRANT: unique symbol = Symbol.for('switchyard.oauth.revokedGrant');

/** The OAuth error code when `err` says the grant was refused for good (see {@link REVOKED_GRANT}). */
export function revokedGrantCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as Record<symbol, unknown>)[REVOKED_GRANT];
  return typeof code === 'string' ? code : undefined;
}

/** What a token refresh (the standard refresh grant, or a provider's own `refresh`) needs from its executor. */
export interface TokenRefreshContext {
  provider: string;
  dispatcher: Dispatcher;
  signal?: AbortSignal;
  /** Time allowed for the token endpoint's headers and body, ms. */
  timeoutMs: number;
  now: () => number;
}

/**
 * True when {@link refreshWithTokenUrl} can renew the credential: a `tokenUrl` and a refresh token, or
 * a client-credentials grant with its client id and secret.
 */
export function canRefreshWithTokenUrl(credential: Credential): boolean {
  const oauth = credential.oauth;
  if (!oauth?.tokenUrl) return false;
  if (oauth.refreshToken !== undefined) return true;
  return oauth.grant === 'client_credentials' && oauth.clientId !== undefined && oauth.clientSecret !== undefined;
}

/**
 * Refreshes an OAuth credential against its own token endpoint (`oauth.tokenUrl`) with the standard
 * refresh-token grant (RFC 6749 §6): a form-encoded POST of `grant_type=refresh_token`, the refresh
 * token and, when set, `oauth.clientId` and `oauth.clientSecret` (`client_secret_post`). A credential
 * with `oauth.grant: 'client_credentials'` and no refresh token gets the client-credentials grant
 * instead (RFC 6749 §4.4: client id, secret and `oauth.scope`). The answer's `access_token` replaces
 * the old one, `refresh_token` replaces the old one when the server rotates it, `expires_in` sets
 * `expiresAt` (left unset when the server does not say), and `lastRefreshAt` is set.
 *
 * `invalid_grant` (and `invalid_client`, `unauthorized_client`) throw an {@link UnauthorizedError}
 * carrying {@link REVOKED_GRANT}: the account must be authorised again. A credential without `tokenUrl` or refresh token cannot be
 * refreshed here and throws one too.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @example
 * ```ts
 * const fresh = await refreshWithTokenUrl(credential, { provider: 'openai', dispatcher, timeoutMs: 30_000, now: Date.now });
 * ```
 */
export async function refreshWithTokenUrl(credential: Credential, context: TokenRefreshContext): Promise<Credential> {
  const { provider } = context;
  const oauth = credential.oauth;
  const options = { credentialId: credential.id };
  if (!oauth?.tokenUrl) {
    throw new UnauthorizedError(
      `Credential ${credential.id} has no oauth.tokenUrl; ${provider} cannot refresh it`,
      options,
    );
  }
  if (oauth.grant === 'client_credentials' && !oauth.refreshToken) {
    if (!oauth.clientId || !oauth.clientSecret) {
      throw new UnauthorizedError(`Credential ${credential.id} needs oauth.clientId and oauth.clientSecret`, options);
    }
    const grant = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    });
    if (oauth.scope) grant.set('scope', oauth.scope);
    return exchangeToken(credential, oauth.tokenUrl, grant, context);
  }
  if (!oauth.refreshToken) {
    throw new UnauthorizedError(`Credential ${credential.id} has no refresh token`, options);
  }
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oauth.refreshToken });
  if (oauth.clientId) form.set('client_id', oauth.clientId);
  // client_secret_post (RFC 6749 §2.3.1): a confidential client authenticates each refresh.
  if (oauth.clientSecret) form.set('client_secret', oauth.clientSecret);
  return exchangeToken(credential, oauth.tokenUrl, form, context);
}

/**
 * Posts one token request (any grant, form-encoded, RFC 6749 §4-6) to `tokenUrl` and returns the
 * credential with the answer's tokens: `access_token` replaces the old one, `refresh_token` replaces the
 * old one when the server rotates it, `expires_in` sets `expiresAt` (left unset when the server does not
 * say). Errors are classified as in {@link refreshWithTokenUrl}, without secrets in their messages.
 *
 * @example
 * ```ts
 * const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'c', client_secret: s, scope });
 * const fresh = await exchangeToken(credential, tokenUrl, form, { provider: 'azure-openai', dispatcher, timeoutMs: 30_000, now: Date.now });
 * ```
 */
export async function exchangeToken(
  credential: Credential,
  tokenUrl: string,
  form: URLSearchParams,
  context: TokenRefreshContext,
): Promise<Credential> {
  const { provider } = context;
  let url: URL;
  try {
    url = new URL(tokenUrl);
  } catch (cause) {
    throw new UnauthorizedError(`Credential ${credential.id} has an invalid oauth.tokenUrl`, {
      credentialId: credential.id,
      cause,
    });
  }

  const errorContext = { provider, dialect: 'openai-chat' as const, credentialId: credential.id };
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    response = await context.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      headersTimeout: context.timeoutMs,
      bodyTimeout: context.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = Buffer.from(await readAll(response.body as Readable, TOKEN_BODY_LIMIT)).toString('utf8');
  } catch (err) {
    throw mapTransportError(err, context.signal, errorContext, url.host);
  }
  const at = context.now();
  const json = parseObject(text);
  const status = response.statusCode;
  if (status < 200 || status >= 300 || typeof json?.access_token !== 'string' || json.access_token === '') {
    throw tokenError(credential, provider, status, json, text);
  }

  const next: Credential = {
    ...credential,
    oauth: { ...credential.oauth, accessToken: json.access_token },
  };
  const fresh = next.oauth!;
  fresh.lastRefreshAt = at;
  if (typeof json.refresh_token === 'string' && json.refresh_token !== '') fresh.refreshToken = json.refresh_token;
  const expiresIn = typeof json.expires_in === 'string' ? Number(json.expires_in) : json.expires_in;
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 0) {
    fresh.expiresAt = at + expiresIn * 1000;
  } else {
    // The old expiry is the one that made us refresh; keeping it would refresh again on every request.
    delete fresh.expiresAt;
  }
  return next;
}

function tokenError(
  credential: Credential,
  provider: string,
  status: number,
  json: Record<string, unknown> | undefined,
  text: string,
): SwitchyardError {
  const code = typeof json?.error === 'string' ? json.error : undefined;
  const description = typeof json?.error_description === 'string' ? json.error_description : undefined;
  const ok = status >= 200 && status < 300;
  const secrets = secretsOf(credential);
  // Scrubbed before it is cut, so a secret the cut splits cannot leak its first half.
  const excerpt = () => excerptErrorBody(scrubSecrets(text, secrets));
  const detail = scrubSecrets(
    [code, description].filter(Boolean).join(': ') || (ok ? 'no access_token in the answer' : excerpt()),
    secrets,
  );
  const message = `The token endpoint of ${provider} answered ${status}${detail ? `: ${detail}` : ''}`;
  const options = { credentialId: credential.id, status: ok ? 502 : status };
  if (code && REVOKED.has(code))
    return Object.assign(new UnauthorizedError(message, options), { [REVOKED_GRANT]: code });
  if (ok) return new UpstreamError(message, options);
  return createError(kindFromStatus(status), message, options);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
