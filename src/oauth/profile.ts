import { z } from 'zod';
import type { Awaitable } from '../core/awaitable.js';
import type { Credential } from '../core/credential.js';

/** The three grants a profile can log in with. */
export const OAUTH_FLOWS = ['authorization_code', 'device', 'client_credentials'] as const;

/** How a profile obtains its first tokens. */
export type OAuthFlowKind = (typeof OAUTH_FLOWS)[number];

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** An `http(s)` URL, as every URL of a profile is. */
export const oauthUrlSchema = url;

/** The explicit endpoints of a profile (each optional: discovery fills the rest). */
export const oauthEndpointsSchema = z
  .object({
    authorization: url.optional(),
    token: url.optional(),
    device: url.optional(),
    revocation: url.optional(),
    jwks: url.optional(),
  })
  .strict();

/** What a profile's name may be: `switchyard login <name>`, and the start of its credentials' ids. */
export const OAUTH_PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The rules across a profile's fields, for the library's schema and the YAML's (whose keys differ):
 * an issuer or a token endpoint; the flow's own endpoint without an issuer; a secret for client
 * credentials, reported at `secretKey`.
 */
export function checkOAuthProfile(
  p: { issuer?: string | undefined; endpoints?: z.infer<typeof oauthEndpointsSchema> | undefined; flow: OAuthFlowKind },
  secret: { key: string; value: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!p.issuer && !p.endpoints?.token) {
    ctx.addIssue({
      code: 'custom',
      path: ['issuer'],
      message: 'set issuer (the endpoints are discovered from it) or endpoints.token',
    });
  }
  if (!p.issuer && p.flow === 'authorization_code' && !p.endpoints?.authorization) {
    ctx.addIssue({
      code: 'custom',
      path: ['endpoints', 'authorization'],
      message: 'required for flow authorization_code without an issuer',
    });
  }
  if (!p.issuer && p.flow === 'device' && !p.endpoints?.device) {
    ctx.addIssue({
      code: 'custom',
      path: ['endpoints', 'device'],
      message: 'required for flow device without an issuer',
    });
  }
  if (p.flow === 'client_credentials' && !secret.value) {
    ctx.addIssue({ code: 'custom', path: [secret.key], message: 'required for flow client_credentials' });
  }
}

/**
 * The zod schema of an {@link OAuthProfile} without its hooks (functions are not data): what an
 * embedder or the YAML's `oauth-profiles:` section describes. Either `issuer` (the endpoints are
 * discovered from `/.well-known/openid-configuration`, else RFC 8414 metadata) or `endpoints.token`
 * (plus `authorization` or `device` for the flow) must be given; `client_credentials` needs the secret.
 */
export const oauthProfileSchema = z
  .object({
    /** The profile's name: `switchyard login <name>`; credentials are named `<name>-<account>`. */
    name: z.string().regex(OAUTH_PROFILE_NAME, { message: 'letters, digits, ".", "_" or "-", at most 64' }),
    label: z.string().min(1).optional(),
    issuer: url.optional(),
    endpoints: oauthEndpointsSchema.optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).default([]),
    flow: z.enum(OAUTH_FLOWS),
    /** The executor that serves the resulting credential (`openai`, `anthropic`, `gemini`, ...). */
    provider: z.string().min(1),
    /** Base URL of the resulting credential (the API its access token is for). */
    baseUrl: url.optional(),
    /** Extra parameters of the authorization request (`prompt`, `audience`, `resource`, ...). */
    authorizationParams: z.record(z.string(), z.string()).optional(),
    /** Extra parameters of token requests (`audience`, `resource`, ...). */
    tokenParams: z.record(z.string(), z.string()).optional(),
    /** Fixed redirect URI for logins started from the management API. Default: its own callback route. */
    redirectUri: url.optional(),
    /** Routing facts copied to the credential. */
    models: z.array(z.string().min(1)).optional(),
    prefix: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    priority: z.number().optional(),
  })
  .strict()
  .superRefine((p, ctx) => checkOAuthProfile(p, { key: 'clientSecret', value: p.clientSecret }, ctx));

/** What {@link OAuthProfileHooks} get: the tokens and, when the server is OIDC, the ID token's claims. */
export interface OAuthTokenResult {
  profile: OAuthProfile;
  accessToken: string;
  refreshToken?: string;
  /** Seconds, as the server said. */
  expiresIn?: number;
  scope?: string;
  /** Validated ID token claims (signature, issuer, audience, expiry, nonce), when there was an ID token. */
  claims?: Record<string, unknown>;
  /** Every field of the token answer (tokens included: do not log it). */
  raw: Record<string, unknown>;
}

/**
 * Plain functions an embedder adds to a profile for providers that need more than the standard
 * exchange. Errors they throw fail the login with their message (keep secrets out of it).
 */
export interface OAuthProfileHooks {
  /**
   * The account the credential belongs to, used to name it (`<profile>-<account>`) and as its label.
   * Default: the `email`, `preferred_username` or `sub` claim; else the client id for client credentials.
   */
  accountId?(result: OAuthTokenResult): Awaitable<string | undefined>;
  /**
   * A post-token exchange: gets the credential built from the tokens and returns the one to save (for
   * example with an API key the provider hands out for the access token, or metadata from a claim).
   */
  afterToken?(credential: Credential, result: OAuthTokenResult): Awaitable<Credential>;
}

/**
 * A named OAuth 2.0 / OpenID Connect client configuration: where the server is, which client logs in
 * with which grant and scopes, and which provider and base URL the resulting credential serves.
 *
 * @example
 * ```ts
 * const profile: OAuthProfile = {
 *   name: 'corp', issuer: 'https://login.example.com', clientId: 'switchyard', scopes: ['openid', 'email', 'offline_access'],
 *   flow: 'authorization_code', provider: 'openai', baseUrl: 'https://llm.example.com/v1',
 * };
 * ```
 */
export type OAuthProfile = z.input<typeof oauthProfileSchema> & { hooks?: OAuthProfileHooks };

/** A validated profile (defaults filled in), hooks kept. */
export type ResolvedOAuthProfile = z.output<typeof oauthProfileSchema> & { hooks?: OAuthProfileHooks };

/**
 * Validates a profile; throws an Error naming the profile and the first bad field.
 *
 * @example
 * ```ts
 * const profile = parseOAuthProfile({ name: 'corp', issuer: 'https://login.example.com', clientId: 'c', flow: 'device', provider: 'openai' });
 * ```
 */
export function parseOAuthProfile(profile: OAuthProfile): ResolvedOAuthProfile {
  const { hooks, ...data } = profile;
  const result = oauthProfileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.') || '(profile)';
    throw new Error(`OAuth profile '${String(profile.name)}': ${where}: ${issue.message}`);
  }
  return hooks ? { ...result.data, hooks } : result.data;
}
