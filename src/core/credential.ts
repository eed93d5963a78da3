import { secretVariants } from './scrub-secrets.js';

/** A model a credential serves, with an optional client-facing alias. */
export interface ModelEntry {
  /** The upstream model name sent to the provider. */
  name: string;
  /** The name clients use; requests for `alias` go upstream as `name`. */
  alias?: string;
}

/** OAuth tokens of a credential whose `kind` is `oauth`. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  /** Expiry of the access token, epoch milliseconds. */
  expiresAt?: number;
  /** Token endpoint and client id for refreshing, when the executor does not know them itself. */
  tokenUrl?: string;
  clientId?: string;
  /**
   * Client secret of a confidential OAuth client, sent with each refresh (`client_secret_post`). A
   * secret: masked, redacted and scrubbed like the tokens. Public clients (PKCE) have none.
   */
  clientSecret?: string;
  /** When the access token was last obtained or refreshed, epoch milliseconds. */
  lastRefreshAt?: number;
  /**
   * `client_credentials`: a new access token is obtained with the client-credentials grant (client id
   * and `clientSecret`, with `scope`) instead of a refresh token. Default: the refresh-token grant.
   */
  grant?: 'client_credentials';
  /** Scope sent with a `client_credentials` renewal (space-separated). */
  scope?: string;
}

/**
 * One provider credential: an API key or an OAuth account, with the routing facts about it.
 * Credentials live in a {@link TokenStore}; the Manager follows the store's changes.
 *
 * @example
 * ```ts
 * const cred: Credential = { id: 'anthropic-main', provider: 'anthropic', apiKey: process.env.ANTHROPIC_API_KEY,
 *   models: [{ name: 'claude-sonnet-4-5', alias: 'sonnet' }], priority: 10 };
 * ```
 */
export interface Credential {
  /** Stable id, unique in the store. Shown in logs and usage records; never a secret. */
  id: string;
  /** The executor that serves it: `openai`, `anthropic`, `gemini`, `mock`, or a custom executor's provider id. */
  provider: string;
  /** `api-key` (default) or `oauth`. */
  kind?: 'api-key' | 'oauth';
  /** Human label. */
  label?: string;
  /**
   * The provider API key. `undefined` is accepted by the type so `apiKey: process.env.X` compiles under
   * `exactOptionalPropertyTypes`, but the Manager and the memory store refuse a credential that names
   * `apiKey` with an undefined value and has no OAuth token (X was not set): it would otherwise go
   * upstream with no key at all.
   */
  apiKey?: string | undefined;
  oauth?: OAuthTokens;
  /** Base URL override, e.g. an OpenAI-compatible service. Undefined means the provider's default. */
  baseUrl?: string | undefined;
  /**
   * Proxy for this credential: `http://…`, `https://…`, `socks5://…`, or `direct` to bypass a global proxy.
   * Undefined means the executor's proxy, if any.
   */
  proxyUrl?: string | undefined;
  /** Extra headers sent upstream with every request on this credential. */
  headers?: Record<string, string>;
  /** Models this credential serves. When absent it serves any model of its provider. */
  models?: ModelEntry[];
  /** Models it must not serve; `*` wildcards allowed (`gpt-4*`, `*-preview`). */
  excludedModels?: string[];
  /**
   * The group it belongs to (a team, a product, a tier). A request limited to groups
   * (`ExecuteInput.groups`, a client key's `groups`) is only served by credentials of those groups.
   */
  group?: string;
  /** Routing prefix: `team-a/claude-sonnet-4-5` only uses credentials whose prefix is `team-a`. */
  prefix?: string;
  /** Higher tiers are used first; default 0. */
  priority?: number;
  /** Share for the weighted selector; default 1; 0 excludes it there. */
  weight?: number;
  disabled?: boolean;
  /**
   * Why it was disabled, when switchyard disabled it (an OAuth grant the server revoked: log in again).
   * Not a secret; cleared when the credential is enabled or its tokens are replaced.
   */
  disabledReason?: string;
  /** Free-form data for custom executors (project ids, account emails, ...). Not secret. */
  metadata?: Record<string, unknown>;
  /** Store version for optimistic concurrency; set by the store, not by you. */
  version?: number;
}

const SECRET_MARK = '[redacted]';

/**
 * Why a credential must be refused because its secret was meant to be set and is not: `apiKey` is
 * present with an undefined value (`apiKey: process.env.X` with X unset) and no OAuth access token
 * stands in for it. Undefined when the credential is fine.
 */
export function unsetSecretProblem(credential: Credential): string | undefined {
  if (!Object.hasOwn(credential, 'apiKey') || credential.apiKey !== undefined) return undefined;
  if (credential.oauth?.accessToken) return undefined;
  return (
    `Credential '${credential.id}' has apiKey: undefined (is the environment variable it is read from set?). ` +
    'Set the key, or leave apiKey out for a credential that needs none.'
  );
}

/**
 * A copy of the credential safe to log: the API key, the OAuth tokens and the value of every extra
 * header (whatever its name: a tenant id or a proxy secret may hide under any name) replaced.
 *
 * @example
 * ```ts
 * redactCredential({ id: 'a', provider: 'openai', apiKey: 'sk-1', headers: { 'x-org': 'o1' } });
 * // { id: 'a', provider: 'openai', apiKey: '[redacted]', headers: { 'x-org': '[redacted]' } }
 * ```
 */
export function redactCredential(credential: Credential): Credential {
  const copy: Credential = { ...credential };
  if (copy.apiKey) copy.apiKey = SECRET_MARK;
  if (copy.oauth) {
    copy.oauth = { ...copy.oauth, accessToken: SECRET_MARK };
    if (copy.oauth.refreshToken) copy.oauth.refreshToken = SECRET_MARK;
    if (copy.oauth.clientSecret) copy.oauth.clientSecret = SECRET_MARK;
  }
  if (copy.headers) copy.headers = Object.fromEntries(Object.keys(copy.headers).map((k) => [k, SECRET_MARK]));
  return copy;
}

/** Computed once per credential object; credentials are replaced, never changed in place. */
const secretsCache = new WeakMap<Credential, readonly string[]>();

/**
 * Every string to scrub from messages about a credential, longest first: its API key, its OAuth
 * tokens and every extra header value whatever its name (also without a `Bearer ` scheme, and a
 * `Basic` value decoded to its `user:password` and password), each in all the forms of
 * {@link secretVariants} (URL-encoded, base64, base64url, ...). Computed once per credential object.
 *
 * @example
 * ```ts
 * scrubSecrets(message, credentialSecrets(credential));
 * ```
 */
export function credentialSecrets(credential: Credential): readonly string[] {
  const cached = secretsCache.get(credential);
  if (cached) return cached;
  const raw = new Set<string>();
  if (credential.apiKey) raw.add(credential.apiKey);
  if (credential.oauth?.accessToken) raw.add(credential.oauth.accessToken);
  if (credential.oauth?.refreshToken) raw.add(credential.oauth.refreshToken);
  if (credential.oauth?.clientSecret) raw.add(credential.oauth.clientSecret);
  for (const value of Object.values(credential.headers ?? {})) {
    if (typeof value !== 'string') continue;
    raw.add(value);
    const scheme = /^(bearer|basic|token)\s+(\S+)$/i.exec(value.trim());
    if (!scheme) continue;
    raw.add(scheme[2]!);
    if (scheme[1]!.toLowerCase() === 'basic') {
      const decoded = decodeBasic(scheme[2]!);
      if (decoded) {
        raw.add(decoded);
        raw.add(decoded.slice(decoded.indexOf(':') + 1));
      }
    }
  }
  const all = new Set<string>();
  for (const secret of raw) for (const form of secretVariants(secret)) all.add(form);
  const out = Object.freeze([...all].sort((a, b) => b.length - a.length));
  secretsCache.set(credential, out);
  return out;
}

/** `user:password` from a Basic credential, or undefined when it is not one. */
function decodeBasic(token: string): string | undefined {
  try {
    const binary = atob(token);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return text.includes(':') ? text : undefined;
  } catch {
    return undefined;
  }
}
