import type { Credential } from '../../core/credential.js';

/**
 * The secret a credential authenticates with: the OAuth access token for OAuth credentials, else
 * the API key (falling back to an access token when only that is set).
 *
 * @example
 * ```ts
 * credentialSecret({ id: 'a', provider: 'openai', apiKey: 'sk-1' }); // 'sk-1'
 * ```
 */
export function credentialSecret(credential: Credential): string | undefined {
  if (credential.kind === 'oauth') return credential.oauth?.accessToken ?? credential.apiKey;
  return credential.apiKey ?? credential.oauth?.accessToken;
}

/** True when the credential authenticates with an OAuth bearer token. */
export function usesOAuth(credential: Credential): boolean {
  return credential.kind === 'oauth' || (!credential.apiKey && credential.oauth?.accessToken !== undefined);
}

/** Every secret string of a credential, to scrub from error text (extra header values included). */
export function secretsOf(credential: Credential): string[] {
  const out: string[] = [];
  if (credential.apiKey) out.push(credential.apiKey);
  if (credential.oauth?.accessToken) out.push(credential.oauth.accessToken);
  if (credential.oauth?.refreshToken) out.push(credential.oauth.refreshToken);
  for (const [name, value] of Object.entries(credential.headers ?? {})) {
    if (/auth|key|token|secret|cookie/i.test(name)) out.push(value.replace(/^Bearer\s+/i, ''));
  }
  return out;
}
