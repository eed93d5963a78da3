import type { Credential } from '../../../core/credential.js';
import { parseCredential } from '../../../core/credential-schema.js';
import type { CredentialSecrets, SealedSecrets, SecretBox } from './secret-box.js';

/** A row as the store selects it: `version` as text (bigint), `stamp` = `updated_at` as text (µs precision). */
export interface TokenRow {
  auth_id: string;
  provider: string;
  data: Record<string, unknown>;
  version: string;
  stamp: string;
}

/** Where the sealed secrets sit inside `data`. `$` keeps it clear of any credential field. */
const SEALED_FIELD = '$sealed';

/** The `data` column for a credential: everything but id, provider and version, secrets sealed when a box is given. */
export function credentialToData(credential: Credential, box: SecretBox | undefined): Record<string, unknown> {
  const { id: _id, provider: _provider, version: _version, ...rest } = credential;
  const data: Record<string, unknown> = structuredClone(rest);
  if (!box) return data;
  const secrets: CredentialSecrets = {};
  if (credential.apiKey !== undefined) secrets.apiKey = credential.apiKey;
  if (credential.oauth?.accessToken !== undefined) secrets.accessToken = credential.oauth.accessToken;
  if (credential.oauth?.refreshToken !== undefined) secrets.refreshToken = credential.oauth.refreshToken;
  if (credential.oauth?.clientSecret !== undefined) secrets.clientSecret = credential.oauth.clientSecret;
  if (Object.keys(secrets).length === 0) return data;
  delete data.apiKey;
  const oauth = data.oauth as Record<string, unknown> | undefined;
  if (oauth) {
    delete oauth.accessToken;
    delete oauth.refreshToken;
    delete oauth.clientSecret;
  }
  data[SEALED_FIELD] = box.seal(credential.id, secrets);
  return data;
}

/** The result of reading a row: the credential, and whether its stored form should be re-sealed. */
export interface DecodedRow {
  credential: Credential;
  /** Sealed with a previous key, or stored in clear while a key is configured. */
  reseal: boolean;
}

/** Turns a row into a credential; throws (with a message free of secrets) when it cannot be read. */
export function rowToCredential(row: TokenRow, box: SecretBox | undefined): DecodedRow {
  const data = structuredClone(row.data) as Record<string, unknown>;
  const sealed = data[SEALED_FIELD] as SealedSecrets | undefined;
  delete data[SEALED_FIELD];
  let reseal = false;
  if (sealed !== undefined) {
    if (!box) throw new Error('its secrets are encrypted and no secretKey is configured');
    let opened: ReturnType<SecretBox['open']>;
    try {
      opened = box.open(row.auth_id, sealed);
    } catch (err) {
      throw new Error(`its secrets cannot be decrypted: ${(err as Error).message}`);
    }
    reseal = opened.stale;
    const { apiKey, accessToken, refreshToken, clientSecret } = opened.secrets;
    if (apiKey !== undefined) data.apiKey = apiKey;
    if (accessToken !== undefined || refreshToken !== undefined || clientSecret !== undefined) {
      const oauth = { ...((data.oauth as Record<string, unknown> | undefined) ?? {}) };
      if (accessToken !== undefined) oauth.accessToken = accessToken;
      if (refreshToken !== undefined) oauth.refreshToken = refreshToken;
      if (clientSecret !== undefined) oauth.clientSecret = clientSecret;
      data.oauth = oauth;
    }
  } else if (box && (data.apiKey !== undefined || data.oauth !== undefined)) {
    reseal = true;
  }
  const credential = parseCredential({
    ...data,
    id: row.auth_id,
    provider: row.provider,
    version: Number(row.version),
  });
  return { credential, reseal };
}
