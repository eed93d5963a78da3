import type * as oauth from 'oauth4webapi';
import { ConfigError } from '../core/errors.js';
import { type OAuth4WebApi, oauth4webapi } from './load-oauth4webapi.js';
import { oauthFailure } from './oauth-error.js';
import type { ResolvedOAuthProfile } from './profile.js';

/** A `fetch` for the OAuth exchanges (tests, proxies). Default: the global `fetch`. */
export type OAuthFetch = (url: string, init: RequestInit) => Promise<Response>;

/** An authorization server as the flows use it. */
export interface ResolvedServer {
  /** The oauth4webapi module (loaded on first use). */
  lib: OAuth4WebApi;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** True when the server is OpenID Connect (discovered as such, or the scopes ask for `openid`). */
  oidc: boolean;
  /** Options for every oauth4webapi request: the custom fetch, and plain HTTP allowed for loopback. */
  http: oauth.HttpRequestOptions<'GET' | 'POST', unknown>;
}

/** Options of {@link resolveServer}. */
export interface ResolveServerOptions {
  fetch?: OAuthFetch;
  signal?: AbortSignal;
}

/**
 * The profile's authorization server: discovered from its issuer (OpenID Connect discovery first,
 * then RFC 8414 authorization server metadata), with the profile's explicit endpoints taking
 * precedence; or built from the explicit endpoints alone. Plain `http://` is accepted for loopback
 * hosts only (a local test server); anything else must be HTTPS.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html
 * @see https://www.rfc-editor.org/rfc/rfc8414
 * @example
 * ```ts
 * const server = await resolveServer(parseOAuthProfile(profile));
 * ```
 */
export async function resolveServer(
  profile: ResolvedOAuthProfile,
  options: ResolveServerOptions = {},
): Promise<ResolvedServer> {
  const urls = [profile.issuer, ...Object.values(profile.endpoints ?? {})].filter((u): u is string => !!u);
  for (const u of urls) {
    const parsed = new URL(u);
    if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
      throw new ConfigError(
        `OAuth profile '${profile.name}': ${u} is plain HTTP; use https:// (plain HTTP is allowed for loopback hosts only)`,
      );
    }
  }
  const lib = await oauth4webapi();
  const http: ResolvedServer['http'] = {};
  if (urls.some((u) => u.startsWith('http:'))) http[lib.allowInsecureRequests] = true;
  if (options.fetch) http[lib.customFetch] = options.fetch as never;
  if (options.signal) http.signal = options.signal;

  let as: oauth.AuthorizationServer;
  let oidc = profile.scopes.includes('openid');
  if (profile.issuer) {
    as = await discover(lib, profile, new URL(profile.issuer), http);
    oidc ||= as.userinfo_endpoint !== undefined || as.id_token_signing_alg_values_supported !== undefined;
  } else {
    as = { issuer: new URL(profile.endpoints!.token!).origin };
  }
  const e = profile.endpoints;
  as = {
    ...as,
    ...(e?.authorization ? { authorization_endpoint: e.authorization } : {}),
    ...(e?.token ? { token_endpoint: e.token } : {}),
    ...(e?.device ? { device_authorization_endpoint: e.device } : {}),
    ...(e?.revocation ? { revocation_endpoint: e.revocation } : {}),
    ...(e?.jwks ? { jwks_uri: e.jwks } : {}),
  };
  if (!as.token_endpoint) {
    throw new ConfigError(`OAuth profile '${profile.name}': the server names no token endpoint; set endpoints.token`);
  }
  const client: oauth.Client = { client_id: profile.clientId };
  const clientAuth = profile.clientSecret ? lib.ClientSecretPost(profile.clientSecret) : lib.None();
  return { lib, as, client, clientAuth, oidc, http };
}

async function discover(
  lib: OAuth4WebApi,
  profile: ResolvedOAuthProfile,
  issuer: URL,
  http: ResolvedServer['http'],
): Promise<oauth.AuthorizationServer> {
  let first: unknown;
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    try {
      const response = await lib.discoveryRequest(issuer, { ...(http as oauth.DiscoveryRequestOptions), algorithm });
      return await lib.processDiscoveryResponse(issuer, response);
    } catch (err) {
      first ??= err;
    }
  }
  throw oauthFailure(first, `Discovery for OAuth profile '${profile.name}' from ${issuer.href} failed`, []);
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
