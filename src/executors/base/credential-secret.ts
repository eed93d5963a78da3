import { type Credential, credentialSecrets } from '../../core/credential.js';

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

/**
 * Every secret string of a credential, in every form an upstream may echo it, to scrub from error
 * text (extra header values included, whatever their names). See {@link credentialSecrets}.
 */
export function secretsOf(credential: Credential): readonly string[] {
  return credentialSecrets(credential);
}
