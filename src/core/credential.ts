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
  apiKey?: string;
  oauth?: OAuthTokens;
  /** Base URL override, e.g. an OpenAI-compatible service. */
  baseUrl?: string;
  /** Proxy for this credential: `http://…`, `https://…`, `socks5://…`, or `direct` to bypass a global proxy. */
  proxyUrl?: string;
  /** Extra headers sent upstream with every request on this credential. */
  headers?: Record<string, string>;
  /** Models this credential serves. When absent it serves any model of its provider. */
  models?: ModelEntry[];
  /** Models it must not serve; `*` wildcards allowed (`gpt-4*`, `*-preview`). */
  excludedModels?: string[];
  /** Routing prefix: `team-a/claude-sonnet-4-5` only uses credentials whose prefix is `team-a`. */
  prefix?: string;
  /** Higher tiers are used first; default 0. */
  priority?: number;
  /** Share for the weighted selector; default 1; 0 excludes it there. */
  weight?: number;
  disabled?: boolean;
  /** Free-form data for custom executors (project ids, account emails, ...). Not secret. */
  metadata?: Record<string, unknown>;
  /** Store version for optimistic concurrency; set by the store, not by you. */
  version?: number;
}

const SECRET_MARK = '[redacted]';

/** A copy of the credential safe to log: secrets replaced. */
export function redactCredential(credential: Credential): Credential {
  const copy: Credential = { ...credential };
  if (copy.apiKey) copy.apiKey = SECRET_MARK;
  if (copy.oauth) {
    copy.oauth = { ...copy.oauth, accessToken: SECRET_MARK };
    if (copy.oauth.refreshToken) copy.oauth.refreshToken = SECRET_MARK;
  }
  if (copy.headers) {
    copy.headers = Object.fromEntries(
      Object.entries(copy.headers).map(([k, v]) => [k, /auth|key|token|secret|cookie/i.test(k) ? SECRET_MARK : v]),
    );
  }
  return copy;
}

/** The secret strings of a credential (to scrub them from messages). */
export function credentialSecrets(credential: Credential): string[] {
  const out: string[] = [];
  if (credential.apiKey) out.push(credential.apiKey);
  if (credential.oauth?.accessToken) out.push(credential.oauth.accessToken);
  if (credential.oauth?.refreshToken) out.push(credential.oauth.refreshToken);
  return out.filter((s) => s.length >= 4);
}
