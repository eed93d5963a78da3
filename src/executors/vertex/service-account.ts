import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';

/** Google's OAuth 2.0 token endpoint, the `token_uri` of every service-account key it issues. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** The scope Vertex AI needs. @see https://cloud.google.com/vertex-ai/docs/authentication */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** The grant that exchanges a signed JWT for an access token (RFC 7523). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Longest lifetime Google accepts for an assertion, seconds. */
const ASSERTION_LIFETIME_S = 3600;

/**
 * The fields of a Google service-account JSON key that switchyard reads (the file has more, e.g.
 * `client_id`, `auth_uri`; they are ignored). `private_key` is the secret; the rest are identifiers.
 *
 * @see https://cloud.google.com/iam/docs/keys-create-delete
 */
export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  /** Id of the key pair, sent as the JWT's `kid`. */
  private_key_id: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  private_key: string;
  client_email: string;
  /** Token endpoint. Default `https://oauth2.googleapis.com/token`. */
  token_uri?: string;
}

const keySchema = z
  .object({
    type: z.literal('service_account', { message: "must be 'service_account' (is this a service-account key?)" }),
    project_id: z.string().min(1),
    private_key_id: z.string().min(1),
    private_key: z.string().min(1),
    client_email: z.string().min(1),
    token_uri: z.string().url().optional(),
  })
  .loose();

/**
 * Reads a service-account key from its JSON text or parsed object and checks it: every field named in
 * {@link ServiceAccountKey} must be there, and `private_key` must be a PEM private key that node:crypto
 * can load. A bad key is a {@link ConfigError} naming the field (`where` says which file or config key
 * it came from), never quoting the key.
 *
 * @example
 * ```ts
 * const key = parseServiceAccountKey(readFileSync('sa.json', 'utf8'), 'sa.json');
 * key.client_email; // 'switchyard@my-project.iam.gserviceaccount.com'
 * ```
 */
export function parseServiceAccountKey(input: string | unknown, where = 'the service-account key'): ServiceAccountKey {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ConfigError(
        `${where} is not JSON; give the key file Google Cloud created for the service account (IAM → Service accounts → Keys → Add key → JSON)`,
      );
    }
  }
  const parsed = keySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${where} has an invalid ${issue.path.join('.') || 'value'}: ${issue.message}`);
  }
  const { type, project_id, private_key_id, private_key, client_email, token_uri } = parsed.data;
  try {
    loadPrivateKey(private_key);
  } catch {
    throw new ConfigError(
      `${where} has an invalid private_key: it must be the PEM private key of the JSON key file, with its line breaks (\\n) kept`,
    );
  }
  const key: ServiceAccountKey = { type, project_id, private_key_id, private_key, client_email };
  if (token_uri !== undefined) key.token_uri = token_uri;
  return key;
}

/** What {@link signServiceAccountJwt} signs. */
export interface ServiceAccountAssertion {
  /** The service account's email (`iss`). */
  clientEmail: string;
  /** Its key id (the header's `kid`). */
  privateKeyId: string;
  /** The PEM private key. */
  privateKey: string;
  /** The token endpoint (`aud`). */
  tokenUrl: string;
  /** Space-separated scopes. Default {@link CLOUD_PLATFORM_SCOPE}. */
  scope?: string;
  /** Now, epoch ms. */
  now: number;
}

/**
 * The RS256-signed JWT a service account exchanges for an access token: header `{ alg: RS256, typ: JWT,
 * kid }`, claims `iss` (the account's email), `scope`, `aud` (the token endpoint), `iat` and `exp` one
 * hour later, signed with RSASSA-PKCS1-v1_5 over SHA-256.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 * @example
 * ```ts
 * const jwt = signServiceAccountJwt({ clientEmail, privateKeyId, privateKey, tokenUrl: GOOGLE_TOKEN_URL, now: Date.now() });
 * ```
 */
export function signServiceAccountJwt(assertion: ServiceAccountAssertion): string {
  const iat = Math.floor(assertion.now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: assertion.privateKeyId };
  const claims = {
    iss: assertion.clientEmail,
    scope: assertion.scope ?? CLOUD_PLATFORM_SCOPE,
    aud: assertion.tokenUrl,
    iat,
    exp: iat + ASSERTION_LIFETIME_S,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), loadPrivateKey(assertion.privateKey));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Parsed keys by PEM: a credential's key is loaded once, not at every refresh. */
const keys = new Map<string, KeyObject>();

function loadPrivateKey(pem: string): KeyObject {
  let key = keys.get(pem);
  if (!key) {
    key = createPrivateKey({ key: pem, format: 'pem' });
    if (keys.size > 100) keys.clear();
    keys.set(pem, key);
  }
  return key;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
