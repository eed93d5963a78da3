import { describe, expect, it } from 'vitest';
import { type Credential, credentialSecrets, redactCredential } from './credential.js';
import { scrubSecrets } from './scrub-secrets.js';

const b64 = (s: string) => btoa(s);

describe('credentialSecrets', () => {
  const credential: Credential = {
    id: 'c1',
    provider: 'openai',
    apiKey: 'sk-key-0123456789',
    oauth: { accessToken: 'at-0123456789', refreshToken: 'rt-0123456789', clientSecret: 'cs-0123456789' },
    headers: {
      'x-tenant': 'tenant-value-42',
      'cf-access-client-secret': 'cf-secret-abcdef',
      'x-proxy-auth': 'Bearer proxy-token-xyz',
      'x-upstream': `Basic ${b64('alice:wonderland-pass')}`,
    },
  };

  it('holds the key, the tokens and every extra header value whatever its name', () => {
    const secrets = credentialSecrets(credential);
    for (const s of [
      'sk-key-0123456789',
      'at-0123456789',
      'rt-0123456789',
      'cs-0123456789',
      'tenant-value-42',
      'cf-secret-abcdef',
      'Bearer proxy-token-xyz',
      'proxy-token-xyz',
    ]) {
      expect(secrets).toContain(s);
    }
  });

  it('decodes a Basic header value to its user:password and password', () => {
    const secrets = credentialSecrets(credential);
    expect(secrets).toContain('alice:wonderland-pass');
    expect(secrets).toContain('wonderland-pass');
  });

  it('holds the encoded forms, computed once per credential object', () => {
    const secrets = credentialSecrets(credential);
    expect(secrets).toContain(b64('sk-key-0123456789'));
    expect(secrets).toContain(encodeURIComponent('Bearer proxy-token-xyz'));
    expect(credentialSecrets(credential)).toBe(secrets);
    expect(credentialSecrets({ ...credential })).not.toBe(secrets);
  });

  it('scrubs a header value echoed URL-encoded', () => {
    const text = `upstream saw x-tenant=${encodeURIComponent('tenant-value-42')}&q=1`;
    expect(scrubSecrets(text, credentialSecrets(credential))).toBe('upstream saw x-tenant=[redacted]&q=1');
  });
});

describe('redactCredential', () => {
  it('masks the OAuth tokens and the client secret', () => {
    const copy = redactCredential({
      id: 'c1',
      provider: 'openai',
      kind: 'oauth',
      oauth: { accessToken: 'at-1', refreshToken: 'rt-1', clientSecret: 'cs-1', clientId: 'app' },
    });
    expect(copy.oauth).toEqual({
      accessToken: '[redacted]',
      refreshToken: '[redacted]',
      clientSecret: '[redacted]',
      clientId: 'app',
    });
  });

  it('masks every extra header value, whatever its name', () => {
    const copy = redactCredential({
      id: 'c1',
      provider: 'openai',
      apiKey: 'sk-1234',
      headers: { 'x-tenant': 'tenant-value-42', authorization: 'Bearer t' },
    });
    expect(copy.headers).toEqual({ 'x-tenant': '[redacted]', authorization: '[redacted]' });
    expect(copy.apiKey).toBe('[redacted]');
  });
});
