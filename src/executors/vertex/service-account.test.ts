import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import {
  CLOUD_PLATFORM_SCOPE,
  GOOGLE_TOKEN_URL,
  parseServiceAccountKey,
  signServiceAccountJwt,
} from './service-account.js';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const other = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const keyFile = {
  type: 'service_account',
  project_id: 'acme-prod',
  private_key_id: '3f1c0de2a9b84d7e8e5f6a7b8c9d0e1f2a3b4c5d',
  private_key: pair.privateKey,
  client_email: 'switchyard@acme-prod.iam.gserviceaccount.com',
  client_id: '104217693402817362910',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: GOOGLE_TOKEN_URL,
  universe_domain: 'googleapis.com',
};

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('parseServiceAccountKey', () => {
  it('reads the fields it needs from the JSON text of a key file', () => {
    const key = parseServiceAccountKey(JSON.stringify(keyFile));
    expect(key).toEqual({
      type: 'service_account',
      project_id: 'acme-prod',
      private_key_id: keyFile.private_key_id,
      private_key: pair.privateKey,
      client_email: keyFile.client_email,
      token_uri: GOOGLE_TOKEN_URL,
    });
  });

  it('names the bad field, and never quotes the private key', () => {
    const missing = { ...keyFile, client_email: undefined };
    expect(() => parseServiceAccountKey(missing, 'sa.json')).toThrow(/sa\.json has an invalid client_email/);
    const user = { ...keyFile, type: 'authorized_user' };
    expect(() => parseServiceAccountKey(user)).toThrow(/type: must be 'service_account'/);
    expect(() => parseServiceAccountKey('{not json', 'sa.json')).toThrow(/sa\.json is not JSON/);
    const broken = { ...keyFile, private_key: `${pair.privateKey.slice(0, 120)}SECRET-PART` };
    let caught: unknown;
    try {
      parseServiceAccountKey(broken);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(/invalid private_key/);
    expect((caught as Error).message).not.toContain('SECRET-PART');
    expect((caught as Error).message).not.toContain(pair.privateKey.slice(40, 80));
  });
});

describe('signServiceAccountJwt', () => {
  const now = Date.UTC(2026, 11, 7, 15, 0, 0, 500);
  const jwt = signServiceAccountJwt({
    clientEmail: keyFile.client_email,
    privateKeyId: keyFile.private_key_id,
    privateKey: pair.privateKey,
    tokenUrl: GOOGLE_TOKEN_URL,
    now,
  });
  const [header, claims, signature] = jwt.split('.') as [string, string, string];

  it('has the header and claims Google documents for the JWT-bearer grant', () => {
    expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: keyFile.private_key_id });
    const iat = Math.floor(now / 1000);
    expect(decode(claims)).toEqual({
      iss: keyFile.client_email,
      scope: CLOUD_PLATFORM_SCOPE,
      aud: GOOGLE_TOKEN_URL,
      iat,
      exp: iat + 3600,
    });
  });

  it('is signed RS256 with the private key: the public key verifies it, another does not', () => {
    const input = Buffer.from(`${header}.${claims}`);
    const bytes = Buffer.from(signature, 'base64url');
    expect(verify('sha256', input, pair.publicKey, bytes)).toBe(true);
    expect(verify('sha256', input, other.publicKey, bytes)).toBe(false);
    const tampered = Buffer.from(`${header}.${claims.slice(0, -2)}AA`);
    expect(verify('sha256', tampered, pair.publicKey, bytes)).toBe(false);
  });
});
