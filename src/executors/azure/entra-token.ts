import type { Credential } from '../../core/credential.js';
import { UnauthorizedError } from '../../core/errors.js';
import { exchangeToken, type TokenRefreshContext } from '../base/oauth-refresh.js';
import { ENTRA_SCOPE, readAzureSettings } from './azure-settings.js';

/**
 * True when the credential is an Entra ID app this executor can get tokens for: an OAuth credential
 * with a token endpoint, a client id and the client secret (kept in `apiKey`).
 */
export function canGetEntraToken(credential: Credential): boolean {
  return (
    credential.kind === 'oauth' &&
    credential.oauth?.tokenUrl !== undefined &&
    credential.oauth.clientId !== undefined &&
    credential.apiKey !== undefined &&
    credential.apiKey !== ''
  );
}

/**
 * A new Entra ID access token by the client-credentials grant (a form-encoded POST of
 * `grant_type=client_credentials`, `client_id`, `client_secret` and `scope`), returned as the credential
 * with `oauth.accessToken` and `oauth.expiresAt` (from `expires_in`) replaced. Entra answers no refresh
 * token to this grant; the client secret stays where it is. `invalid_client` (a wrong or expired
 * secret) is an {@link UnauthorizedError}.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#first-case-access-token-request-with-a-shared-secret
 * @example
 * ```ts
 * const fresh = await fetchEntraToken(credential, { provider: 'azure-openai', dispatcher, timeoutMs: 30_000, now: Date.now });
 * ```
 */
export function fetchEntraToken(credential: Credential, context: TokenRefreshContext): Promise<Credential> {
  if (!canGetEntraToken(credential)) {
    return Promise.reject(
      new UnauthorizedError(
        `Azure OpenAI credential ${credential.id} has no Entra ID client (oauth.tokenUrl, oauth.clientId and the client secret in apiKey)`,
        { credentialId: credential.id },
      ),
    );
  }
  const oauth = credential.oauth!;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: oauth.clientId!,
    client_secret: credential.apiKey!,
    scope: readAzureSettings(credential).scope ?? ENTRA_SCOPE,
  });
  return exchangeToken(credential, oauth.tokenUrl!, form, context);
}
