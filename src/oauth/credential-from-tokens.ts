import { createHash } from 'node:crypto';
import type { Credential } from '../core/credential.js';
import type { TokenStore } from '../manager/stores/types.js';
import type { ResolvedServer } from './discovery.js';
import type { OAuthTokenResult, ResolvedOAuthProfile } from './profile.js';

/** Claims that name an account, in the order they are tried. */
const IDENTITY_CLAIMS = ['email', 'preferred_username', 'upn', 'sub'] as const;

/**
 * The credential a login produced: named `<profile>-<account>` after the profile's `accountId` hook,
 * else the ID token's `email`, `preferred_username`, `upn` or `sub` claim (the client id for client
 * credentials; a hash of the refresh token when nothing names the account). It carries the tokens,
 * their expiry, the token endpoint and client to refresh them with, the profile's provider, base URL
 * and routing facts; then the profile's `afterToken` hook has its say.
 *
 * @example
 * ```ts
 * const credential = await credentialFromTokens(profile, server, result, Date.now());
 * ```
 */
export async function credentialFromTokens(
  profile: ResolvedOAuthProfile,
  server: ResolvedServer,
  result: OAuthTokenResult,
  now: number,
): Promise<Credential> {
  const account = (await profile.hooks?.accountId?.(result)) ?? identity(profile, result);
  const oauth: NonNullable<Credential['oauth']> = {
    accessToken: result.accessToken,
    tokenUrl: server.as.token_endpoint!,
    clientId: profile.clientId,
    lastRefreshAt: now,
  };
  if (result.refreshToken) oauth.refreshToken = result.refreshToken;
  if (result.expiresIn !== undefined) oauth.expiresAt = now + result.expiresIn * 1000;
  if (profile.clientSecret) oauth.clientSecret = profile.clientSecret;
  if (profile.flow === 'client_credentials' && !result.refreshToken) {
    oauth.grant = 'client_credentials';
    if (profile.scopes.length > 0) oauth.scope = profile.scopes.join(' ');
  }
  const credential: Credential = {
    id: `${profile.name}-${slug(account)}`,
    provider: profile.provider,
    kind: 'oauth',
    label: profile.label ? `${profile.label} (${account})` : account,
    oauth,
    metadata: { oauthProfile: profile.name, account, issuer: server.as.issuer },
  };
  if (profile.baseUrl) credential.baseUrl = profile.baseUrl;
  if (profile.models) credential.models = profile.models.map((name) => ({ name }));
  if (profile.prefix) credential.prefix = profile.prefix;
  if (profile.group) credential.group = profile.group;
  if (profile.priority !== undefined) credential.priority = profile.priority;
  return profile.hooks?.afterToken ? profile.hooks.afterToken(credential, result) : credential;
}

function identity(profile: ResolvedOAuthProfile, result: OAuthTokenResult): string {
  for (const claim of IDENTITY_CLAIMS) {
    const value = result.claims?.[claim];
    if (typeof value === 'string' && value !== '') return value;
  }
  if (profile.flow === 'client_credentials') return profile.clientId;
  const basis = result.refreshToken ?? result.accessToken;
  return `account-${createHash('sha256').update(basis).digest('hex').slice(0, 10)}`;
}

/** An account name as an id part: `Ann.Lee@example.com` → `ann.lee-example.com`. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/@/g, '-')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'account'
  );
}

/**
 * Saves a login's credential: a new record, or the existing one of the same id (a login again) with
 * its tokens replaced and a disable of switchyard's own lifted, keeping what an operator changed
 * (priority, models, label...).
 */
export async function saveLoginCredential(
  credential: Credential,
  store: Pick<TokenStore, 'get' | 'save'>,
): Promise<Credential> {
  const existing = await store.get(credential.id);
  return store.save(mergeLogin(existing, credential));
}

/** {@link saveLoginCredential}'s merge, for savers that are not a token store (the Manager). */
export function mergeLogin(existing: Credential | undefined, credential: Credential): Credential {
  if (!existing) return credential;
  const merged: Credential = {
    ...existing,
    kind: 'oauth',
    oauth: credential.oauth!,
    metadata: { ...existing.metadata, ...credential.metadata },
  };
  if (existing.disabledReason !== undefined) {
    delete merged.disabled;
    delete merged.disabledReason;
  }
  return merged;
}

/** What {@link saveLoginToManager} needs of a Manager. */
export interface LoginTarget {
  credentials(): Credential[];
  readonly store: Pick<TokenStore, 'get'>;
  addCredential(credential: Credential): Promise<Credential>;
  updateCredential(credential: Credential): Promise<Credential>;
}

/**
 * Saves a login's credential through the Manager (so it serves at once and every instance following
 * the store sees it), merged into the existing record of the same id as {@link saveLoginCredential} does.
 */
export async function saveLoginToManager(manager: LoginTarget, credential: Credential): Promise<Credential> {
  const existing =
    manager.credentials().find((c) => c.id === credential.id) ?? (await manager.store.get(credential.id));
  const merged = mergeLogin(existing, credential);
  return existing ? manager.updateCredential(merged) : manager.addCredential(merged);
}
