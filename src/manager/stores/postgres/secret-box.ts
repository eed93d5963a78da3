import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';

/** The secret fields of a credential, the only ones encrypted at rest. */
export interface CredentialSecrets {
  apiKey?: string;
  accessToken?: string;
  refreshToken?: string;
  clientSecret?: string;
}

/** What an encrypted record holds in place of its secrets. */
export interface SealedSecrets {
  /** Format version. */
  v: 1;
  /** Which key sealed it: a short hash of the key, never the key. */
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

interface Key {
  kid: string;
  key: Buffer;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
/** Fixed salt: the derived key must be the same in every instance that shares the table. */
const SALT = 'switchyard/postgres-token-store/v1';

/** A 64-hex-digit key is used as is; anything else is a passphrase stretched with scrypt. */
function deriveKey(secret: string): Key {
  const key = HEX_KEY.test(secret) ? Buffer.from(secret, 'hex') : scryptSync(secret, SALT, 32);
  return { key, kid: createHash('sha256').update(key).digest('hex').slice(0, 12) };
}

/**
 * AES-256-GCM over a credential's secrets. The credential id is authenticated data, so a sealed blob
 * copied onto another row does not open. Older keys (`previous`) still open records, which the store
 * then re-seals with the current key.
 */
export class SecretBox {
  readonly #current: Key;
  readonly #byKid = new Map<string, Key>();

  constructor(current: string, previous: readonly string[] = []) {
    this.#current = deriveKey(current);
    this.#byKid.set(this.#current.kid, this.#current);
    for (const secret of previous) {
      const key = deriveKey(secret);
      if (!this.#byKid.has(key.kid)) this.#byKid.set(key.kid, key);
    }
  }

  seal(id: string, secrets: CredentialSecrets): SealedSecrets {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return {
      v: 1,
      kid: this.#current.kid,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
  }

  /** Opens a sealed blob; `stale` when it was sealed with a previous key. Throws when no key fits. */
  open(id: string, sealed: SealedSecrets): { secrets: CredentialSecrets; stale: boolean } {
    const key = this.#byKid.get(sealed.kid);
    if (!key) throw new Error(`sealed with an unknown key (${sealed.kid}); pass it in previousKeys`);
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
    return { secrets: JSON.parse(text) as CredentialSecrets, stale: key !== this.#current };
  }
}
