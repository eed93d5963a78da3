import type * as oauth from 'oauth4webapi';
import { UnauthorizedError, UpstreamError } from '../core/errors.js';
import type { ResolvedServer } from './discovery.js';
import { oauthErrorCode, oauthFailure } from './oauth-error.js';
import type { OAuthTokenResult, ResolvedOAuthProfile } from './profile.js';

/** What an authorization-code login keeps between the redirect to the server and the callback. */
export interface PendingAuthorization {
  url: string;
  state: string;
  nonce?: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * Starts an authorization-code login (RFC 6749 §4.1) with PKCE S256 (RFC 7636), a random `state` and,
 * for an OpenID Connect server, a `nonce`: the URL to open in a browser and what the callback needs.
 *
 * @example
 * ```ts
 * const pending = await beginAuthorizationCode(server, profile, 'http://127.0.0.1:53121/callback');
 * ```
 */
export async function beginAuthorizationCode(
  server: ResolvedServer,
  profile: ResolvedOAuthProfile,
  redirectUri: string,
): Promise<PendingAuthorization> {
  const endpoint = server.as.authorization_endpoint;
  if (!endpoint) {
    throw new UnauthorizedError(
      `OAuth profile '${profile.name}': the server has no authorization endpoint; set endpoints.authorization or use flow device`,
    );
  }
  const codeVerifier = server.lib.generateRandomCodeVerifier();
  const state = server.lib.generateRandomState();
  const url = new URL(endpoint);
  const params = url.searchParams;
  for (const [k, v] of Object.entries(profile.authorizationParams ?? {})) params.set(k, v);
  params.set('response_type', 'code');
  params.set('client_id', profile.clientId);
  params.set('redirect_uri', redirectUri);
  if (profile.scopes.length > 0) params.set('scope', profile.scopes.join(' '));
  params.set('state', state);
  params.set('code_challenge', await server.lib.calculatePKCECodeChallenge(codeVerifier));
  params.set('code_challenge_method', 'S256');
  const pending: PendingAuthorization = { url: '', state, codeVerifier, redirectUri };
  if (server.oidc) {
    pending.nonce = server.lib.generateRandomNonce();
    params.set('nonce', pending.nonce);
  }
  pending.url = url.href;
  return pending;
}

/**
 * Finishes an authorization-code login from the callback's URL (or its query): checks `state`,
 * exchanges the code with the PKCE verifier and, for an OpenID Connect server, validates the ID
 * token (issuer, audience, expiry, nonce, and its signature against the server's JWKS).
 */
export async function finishAuthorizationCode(
  server: ResolvedServer,
  profile: ResolvedOAuthProfile,
  pending: PendingAuthorization,
  callback: URL | URLSearchParams,
): Promise<OAuthTokenResult> {
  const secrets = [pending.codeVerifier, pending.state, pending.nonce ?? '', profile.clientSecret ?? ''];
  const what = `Login with OAuth profile '${profile.name}'`;
  let params: URLSearchParams;
  try {
    params = server.lib.validateAuthResponse(server.as, server.client, callback, pending.state);
  } catch (err) {
    if (err instanceof Error && /state/i.test(err.message)) {
      throw new UnauthorizedError(`${what}: the callback's state does not match this login (refused)`);
    }
    throw oauthFailure(err, what, secrets);
  }
  const code = params.get('code');
  if (code) secrets.push(code);
  try {
    const response = await server.lib.authorizationCodeGrantRequest(
      server.as,
      server.client,
      server.clientAuth,
      params,
      pending.redirectUri,
      pending.codeVerifier,
      { ...server.http, ...tokenParams(profile) },
    );
    const tokens = await server.lib.processAuthorizationCodeResponse(server.as, server.client, response, {
      expectedNonce: pending.nonce ?? server.lib.expectNoNonce,
      requireIdToken: server.oidc,
    });
    if (tokens.id_token) await server.lib.validateApplicationLevelSignature(server.as, response, server.http);
    return tokenResult(server, profile, tokens);
  } catch (err) {
    throw oauthFailure(err, what, secrets);
  }
}

/** A started device authorization (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds between polls, as the server asks (default 5). */
  interval: number;
  /** Seconds until the codes expire. */
  expiresIn: number;
}

/** Starts a device authorization grant: the code the user enters at the verification URL. */
export async function beginDevice(server: ResolvedServer, profile: ResolvedOAuthProfile): Promise<DeviceAuthorization> {
  const what = `Device login with OAuth profile '${profile.name}'`;
  if (!server.as.device_authorization_endpoint) {
    throw new UnauthorizedError(`${what}: the server has no device authorization endpoint; set endpoints.device`);
  }
  try {
    const parameters: Record<string, string> = { ...(profile.tokenParams ?? {}) };
    if (profile.scopes.length > 0) parameters.scope = profile.scopes.join(' ');
    const response = await server.lib.deviceAuthorizationRequest(
      server.as,
      server.client,
      server.clientAuth,
      parameters,
      server.http,
    );
    const d = await server.lib.processDeviceAuthorizationResponse(server.as, server.client, response);
    const out: DeviceAuthorization = {
      deviceCode: d.device_code,
      userCode: d.user_code,
      verificationUri: d.verification_uri,
      interval: d.interval ?? 5,
      expiresIn: d.expires_in,
    };
    if (d.verification_uri_complete) out.verificationUriComplete = d.verification_uri_complete;
    return out;
  } catch (err) {
    throw oauthFailure(err, what, [profile.clientSecret ?? '']);
  }
}

/** Options of {@link pollDevice}. */
export interface PollDeviceOptions {
  /** Give up at this time, epoch ms (the codes' expiry). */
  deadline: number;
  signal?: AbortSignal;
  now?: () => number;
  /** Waits `ms` (tests pass a fast one); rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Polls the token endpoint for a device authorization until the user approved it (RFC 8628 §3.4):
 * `authorization_pending` waits the interval, `slow_down` adds 5 seconds to it for this and every later
 * poll (§3.5), `access_denied` and `expired_token` fail, and so do the deadline and the signal.
 */
export async function pollDevice(
  server: ResolvedServer,
  profile: ResolvedOAuthProfile,
  device: DeviceAuthorization,
  options: PollDeviceOptions,
): Promise<OAuthTokenResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const what = `Device login with OAuth profile '${profile.name}'`;
  const secrets = [device.deviceCode, profile.clientSecret ?? ''];
  let intervalMs = device.interval * 1000;
  for (;;) {
    if (options.signal?.aborted) throw new UpstreamError(`${what}: cancelled`);
    if (now() + intervalMs > options.deadline) {
      throw new UnauthorizedError(`${what}: the user code expired before it was approved; start again`);
    }
    await sleep(intervalMs, options.signal);
    if (options.signal?.aborted) throw new UpstreamError(`${what}: cancelled`);
    try {
      const response = await server.lib.deviceCodeGrantRequest(
        server.as,
        server.client,
        server.clientAuth,
        device.deviceCode,
        { ...server.http, ...tokenParams(profile), ...(options.signal ? { signal: options.signal } : {}) },
      );
      const tokens = await server.lib.processDeviceCodeResponse(server.as, server.client, response);
      return tokenResult(server, profile, tokens);
    } catch (err) {
      const failure = oauthFailure(err, what, secrets);
      const code = oauthErrorCode(failure);
      if (code === 'authorization_pending') continue;
      if (code === 'slow_down') {
        intervalMs += 5_000;
        continue;
      }
      if (code === 'expired_token') throw new UnauthorizedError(`${what}: the user code expired; start again`);
      if (code === 'access_denied') throw new UnauthorizedError(`${what}: the user denied the request`);
      throw failure;
    }
  }
}

/** Tokens by the client-credentials grant (RFC 6749 §4.4), for a service principal. */
export async function clientCredentials(
  server: ResolvedServer,
  profile: ResolvedOAuthProfile,
): Promise<OAuthTokenResult> {
  try {
    const parameters: Record<string, string> = { ...(profile.tokenParams ?? {}) };
    if (profile.scopes.length > 0) parameters.scope = profile.scopes.join(' ');
    const response = await server.lib.clientCredentialsGrantRequest(
      server.as,
      server.client,
      server.clientAuth,
      parameters,
      server.http,
    );
    return tokenResult(
      server,
      profile,
      await server.lib.processClientCredentialsResponse(server.as, server.client, response),
    );
  } catch (err) {
    throw oauthFailure(err, `Client credentials for OAuth profile '${profile.name}'`, [profile.clientSecret ?? '']);
  }
}

/**
 * Revokes a token (RFC 7009). Resolves `false` when the server has no revocation endpoint, `true` once
 * the server accepted it; throws when the server refused.
 */
export async function revokeToken(
  server: ResolvedServer,
  profile: ResolvedOAuthProfile,
  token: string,
  hint: 'refresh_token' | 'access_token',
): Promise<boolean> {
  if (!server.as.revocation_endpoint) return false;
  try {
    const response = await server.lib.revocationRequest(server.as, server.client, server.clientAuth, token, {
      ...server.http,
      additionalParameters: { token_type_hint: hint },
    });
    await server.lib.processRevocationResponse(response);
    return true;
  } catch (err) {
    throw oauthFailure(err, `Revoking a token of OAuth profile '${profile.name}'`, [token, profile.clientSecret ?? '']);
  }
}

function tokenParams(profile: ResolvedOAuthProfile): { additionalParameters?: Record<string, string> } {
  return profile.tokenParams ? { additionalParameters: profile.tokenParams } : {};
}

function tokenResult(
  server: ResolvedServer,
  profile: ResolvedOAuthProfile,
  tokens: oauth.TokenEndpointResponse,
): OAuthTokenResult {
  const result: OAuthTokenResult = { profile, accessToken: tokens.access_token, raw: { ...tokens } };
  if (tokens.refresh_token) result.refreshToken = tokens.refresh_token;
  if (typeof tokens.expires_in === 'number') result.expiresIn = tokens.expires_in;
  if (tokens.scope) result.scope = tokens.scope;
  const claims = tokens.id_token ? server.lib.getValidatedIdTokenClaims(tokens) : undefined;
  if (claims) result.claims = { ...claims };
  return result;
}

/** A timer that rejects when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UpstreamError('cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UpstreamError('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
