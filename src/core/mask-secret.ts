import type { Credential } from '../core/credential.js';

const ELLIPSIS = '…';

/**
 * A secret cut to a short prefix and suffix an operator can recognise (`sk-p…9x2Q`), never enough to
 * use: 4 + 4 characters of a secret of 16 or more, 2 + 2 of one of 8 to 15, nothing of a shorter one.
 */
export function maskSecret(secret: string): string {
  if (secret.length >= 16) return `${secret.slice(0, 4)}${ELLIPSIS}${secret.slice(-4)}`;
  if (secret.length >= 8) return `${secret.slice(0, 2)}${ELLIPSIS}${secret.slice(-2)}`;
  return ELLIPSIS;
}

/** A credential as the management API shows it: the API key, the OAuth tokens and every header value masked. */
export function maskCredential(credential: Credential): Credential {
  const view: Credential = { ...credential };
  if (view.apiKey) view.apiKey = maskSecret(view.apiKey);
  if (view.oauth) {
    view.oauth = { ...view.oauth, accessToken: maskSecret(view.oauth.accessToken) };
    if (view.oauth.refreshToken) view.oauth.refreshToken = maskSecret(view.oauth.refreshToken);
    if (view.oauth.clientSecret) view.oauth.clientSecret = maskSecret(view.oauth.clientSecret);
  }
  if (view.headers) {
    view.headers = Object.fromEntries(Object.entries(view.headers).map(([name, value]) => [name, maskSecret(value)]));
  }
  return view;
}
