import type { Credential } from '../../core/credential.js';
import { UnauthorizedError } from '../../core/errors.js';
import { exchangeToken, type TokenRefreshContext } from '../base/oauth-refresh.js';
import { JWT_BEARER_GRANT, signServiceAccountJwt } from './service-account.js';
import { readVertexSettings } from './vertex-settings.js';

/**
 * True when the credential is a service account this executor can get tokens for: an OAuth credential
 * with a token endpoint, the private key (kept in `apiKey`), and the account's email and key id.
 */
export function canGetServiceAccountToken(credential: Credential): boolean {
  if (credential.kind !== 'oauth' || !credential.apiKey || credential.oauth?.tokenUrl === undefined) return false;
  const vertex = credential.metadata?.vertex as { clientEmail?: unknown; privateKeyId?: unknown } | undefined;
  return typeof vertex?.clientEmail === 'string' && typeof vertex.privateKeyId === 'string';
}

/**
 * A new access token for a service account by the JWT-bearer grant (RFC 7523): an RS256 JWT signed
 * with the private key (see {@link signServiceAccountJwt}) posted form-encoded to the token endpoint as
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`. Returns the credential with
 * `oauth.accessToken` and `oauth.expiresAt` (from `expires_in`, about an hour) replaced; the Manager
 * refreshes again ahead of that expiry. Google answers `invalid_grant` to a bad signature, an unknown
 * key or a deleted account: an {@link UnauthorizedError}.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * @example
 * ```ts
 * const fresh = await fetchServiceAccountToken(credential, { provider: 'vertex', dispatcher, timeoutMs: 30_000, now: Date.now });
 * ```
 */
export function fetchServiceAccountToken(credential: Credential, context: TokenRefreshContext): Promise<Credential> {
  if (!canGetServiceAccountToken(credential)) {
    return Promise.reject(
      new UnauthorizedError(
        `Vertex AI credential ${credential.id} has no service account (oauth.tokenUrl, the private key in apiKey, metadata.vertex.clientEmail and privateKeyId)`,
        { credentialId: credential.id },
      ),
    );
  }
  const settings = readVertexSettings(credential);
  const tokenUrl = credential.oauth!.tokenUrl!;
  const assertion = signServiceAccountJwt({
    clientEmail: settings.clientEmail!,
    privateKeyId: settings.privateKeyId!,
    privateKey: credential.apiKey!,
    tokenUrl,
    now: context.now(),
    ...(settings.scope ? { scope: settings.scope } : {}),
  });
  const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
  return exchangeToken(credential, tokenUrl, form, context);
}
