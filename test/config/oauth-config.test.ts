import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { maskConfigText } from '../../src/config/mask-config.js';
import { oauthProfilesFromConfig } from '../../src/config/oauth-from-config.js';
import { parseOAuthProfile } from '../../src/oauth/index.js';

const GOOD = `
oauth-profiles:
  corp:
    label: Corp gateway
    issuer: https://login.example.com
    client-id: switchyard
    client-secret: \${CORP_SECRET}
    scopes: [openid, email, offline_access]
    flow: authorization_code
    provider: openai
    base-url: https://llm.example.com/v1
    models: [corp-large]
  robots:
    endpoints:
      token: https://login.example.com/oauth2/token
    client-id: svc
    client-secret: s3cr3t-value-123456
    flow: client_credentials
    provider: openai
`;

describe('oauth-profiles in the config', () => {
  it('reads profiles by name into the library’s shape', () => {
    const { config } = parseConfig(GOOD, 'config.yaml', { env: { CORP_SECRET: 'from-env-secret' } });
    const profiles = oauthProfilesFromConfig(config);
    expect(profiles.map((p) => p.name)).toEqual(['corp', 'robots']);
    expect(profiles[0]).toEqual({
      name: 'corp',
      label: 'Corp gateway',
      issuer: 'https://login.example.com',
      clientId: 'switchyard',
      clientSecret: 'from-env-secret',
      scopes: ['openid', 'email', 'offline_access'],
      flow: 'authorization_code',
      provider: 'openai',
      baseUrl: 'https://llm.example.com/v1',
      models: ['corp-large'],
    });
    for (const p of profiles) expect(() => parseOAuthProfile(p)).not.toThrow();
  });

  it('masks the client secret when the config is shown', () => {
    expect(maskConfigText(GOOD)).not.toContain('s3cr3t-value-123456');
  });

  it.each([
    [
      'a missing client id',
      'flow: device\n    provider: openai\n    issuer: https://x.example',
      /oauth-profiles\.p\.client-id \(line 3\)/,
    ],
    [
      'neither issuer nor endpoints',
      'client-id: c\n    flow: device\n    provider: openai',
      /oauth-profiles\.p\.issuer \(line 3\): set issuer/,
    ],
    [
      'client credentials without a secret',
      'client-id: c\n    flow: client_credentials\n    provider: openai\n    issuer: https://x.example',
      /oauth-profiles\.p\.client-secret .*required for flow client_credentials/,
    ],
    [
      'an unknown flow',
      'client-id: c\n    flow: password\n    provider: openai\n    issuer: https://x.example',
      /oauth-profiles\.p\.flow \(line 4\)/,
    ],
    [
      'a misspelt key',
      'client_id: c\n    flow: device\n    provider: openai\n    issuer: https://x.example',
      /oauth-profiles\.p.*client_id/,
    ],
  ])('refuses %s with the path and line', (_what, body, message) => {
    expect(() => parseConfig(`oauth-profiles:\n  p:\n    ${body}\n`, 'config.yaml')).toThrow(message);
  });
});
