import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { OAuthFlows, type OAuthProfile, saveLoginCredential } from '../../src/oauth/index.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { approve, corpProfile, recordingLogger } from './helpers.js';

const SECRET = 'svc-secret-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1:9/callback';

let fake: FakeOidc;
let store: MemoryTokenStore;
let logger: ReturnType<typeof recordingLogger>;
let sleeps: number[];

function profiles(): OAuthProfile[] {
  return [
    corpProfile(fake.issuer),
    {
      name: 'corp-device',
      issuer: fake.issuer,
      clientId: 'cli-app',
      scopes: ['openid', 'email'],
      flow: 'device',
      provider: 'openai',
      baseUrl: `${fake.issuer}/v1`,
    },
    {
      name: 'svc',
      endpoints: { token: `${fake.issuer}/token`, revocation: `${fake.issuer}/revoke` },
      clientId: 'svc-app',
      clientSecret: SECRET,
      scopes: ['llm'],
      flow: 'client_credentials',
      provider: 'openai',
      baseUrl: `${fake.issuer}/v1`,
    },
  ];
}

function flows(sleep?: (ms: number, signal?: AbortSignal) => Promise<void>): OAuthFlows {
  return new OAuthFlows({
    profiles: profiles(),
    save: (c) => saveLoginCredential(c, store),
    logger,
    sleep: sleep ?? (async (ms) => void sleeps.push(ms)),
  });
}

/** Every secret the fake handed out or holds: none may appear in a log line or an error. */
function secrets(): string[] {
  return [SECRET, ...fake.accessTokens, ...fake.refreshTokens];
}

function expectNoSecretsIn(text: string): void {
  for (const s of secrets()) expect(text).not.toContain(s);
}

beforeAll(async () => {
  fake = await startFakeOidc({ clients: [{ id: 'cli-app' }, { id: 'svc-app', secret: SECRET }] });
});
afterAll(() => fake.close());
beforeEach(() => {
  store = new MemoryTokenStore();
  logger = recordingLogger();
  sleeps = [];
});

describe('authorization code with PKCE', () => {
  it('logs in end to end: discovery, redirect with code and state, ID token checked, credential saved', async () => {
    const registry = flows();
    const flow = await registry.start('corp', { redirectUri: REDIRECT });
    expect(flow).toMatchObject({ profile: 'corp', flow: 'authorization_code', state: 'pending' });
    const authorize = new URL(flow.authorizationUrl!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const callback = await approve(flow.authorizationUrl!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    const done = await registry.callback(callback.searchParams);
    expect(done).toMatchObject({ state: 'succeeded', credentialId: 'corp-ann-example.com' });
    const saved = (await store.get('corp-ann-example.com'))!;
    expect(saved).toMatchObject({
      provider: 'openai',
      kind: 'oauth',
      label: 'ann@example.com',
      baseUrl: `${fake.issuer}/v1`,
      metadata: { oauthProfile: 'corp', account: 'ann@example.com' },
    });
    expect(saved.oauth).toMatchObject({
      accessToken: fake.accessTokens.at(-1),
      refreshToken: fake.refreshTokens.at(-1),
      tokenUrl: `${fake.issuer}/token`,
      clientId: 'cli-app',
    });
    expect(saved.oauth!.expiresAt! - Date.now()).toBeGreaterThan(3_500_000);
    expect(saved.oauth!.lastRefreshAt).toBeLessThanOrEqual(Date.now());
    // The code was exchanged with its verifier: the same callback cannot be used twice.
    await expect(registry.callback(callback.searchParams)).rejects.toThrow(/unknown, expired or already used/);
    expectNoSecretsIn(logger.lines.join('\n'));
  });

  it('refuses a callback whose state is not the login’s, and keeps the login pending', async () => {
    const registry = flows();
    const flow = await registry.start('corp', { redirectUri: REDIRECT });
    const callback = await approve(flow.authorizationUrl!);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    await expect(registry.callback(forged.searchParams)).rejects.toThrow(/unknown, expired or already used/);
    await expect(registry.submit(flow.id, { url: forged.href })).rejects.toThrow(/state does not match/);
    expect(registry.get(flow.id)!.state).toBe('pending');
    expect(await store.list()).toEqual([]);
    const tokenCalls = fake.tokenCalls.length;
    // The genuine callback still works (pasted as the whole redirect URL).
    expect(await registry.submit(flow.id, { url: callback.href })).toMatchObject({ state: 'succeeded' });
    expect(fake.tokenCalls.length).toBe(tokenCalls + 1);
  });

  it('fails a login whose code is redeemed with another login’s PKCE verifier', async () => {
    const registry = flows();
    const a = await registry.start('corp', { redirectUri: REDIRECT });
    const b = await registry.start('corp', { redirectUri: REDIRECT });
    const codeOfA = (await approve(a.authorizationUrl!)).searchParams.get('code')!;
    const stateOfB = new URL(b.authorizationUrl!).searchParams.get('state')!;
    const done = await registry.callback(new URLSearchParams({ code: codeOfA, state: stateOfB, iss: fake.issuer }));
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/invalid_grant: PKCE verification failed/);
    expect(await store.list()).toEqual([]);
    expect(done.error).not.toContain(codeOfA);
  });

  it('refuses an ID token whose signature the JWKS does not verify', async () => {
    const forger = await startFakeOidc({ forgeIdTokens: true });
    try {
      const registry = new OAuthFlows({
        profiles: [{ ...profiles()[0]!, issuer: forger.issuer }],
        save: (c) => store.save(c),
      });
      const flow = await registry.start('corp', { redirectUri: REDIRECT });
      const done = await registry.callback((await approve(flow.authorizationUrl!)).searchParams);
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(/signature/i);
      expect(await store.list()).toEqual([]);
    } finally {
      await forger.close();
    }
  });

  it('answers a clear error for an unknown profile and caps pending logins', async () => {
    const registry = new OAuthFlows({ profiles: profiles(), save: (c) => store.save(c), maxPending: 2 });
    await expect(registry.start('nope')).rejects.toThrow(/No OAuth profile 'nope'; known: corp, corp-device, svc/);
    await registry.start('corp', { redirectUri: REDIRECT });
    const second = await registry.start('corp', { redirectUri: REDIRECT });
    await expect(registry.start('corp', { redirectUri: REDIRECT })).rejects.toMatchObject({ kind: 'rate_limited' });
    registry.cancel(second.id);
    expect(registry.get(second.id)!.state).toBe('cancelled');
    await registry.start('corp', { redirectUri: REDIRECT });
  });

  it('expires a login at its expiry', async () => {
    let now = Date.now();
    const registry = new OAuthFlows({
      profiles: profiles(),
      save: (c) => store.save(c),
      now: () => now,
      authorizationTtlMs: 1_000,
    });
    const flow = await registry.start('corp', { redirectUri: REDIRECT });
    now += 1_001;
    expect(registry.get(flow.id)!.state).toBe('expired');
    const callback = await approve(flow.authorizationUrl!);
    await expect(registry.callback(callback.searchParams)).rejects.toThrow(/expired or already used/);
  });
});

describe('profiles', () => {
  it('discovers an OAuth 2.0 server from RFC 8414 metadata, without OIDC', async () => {
    const plain = await startFakeOidc({ oidc: false });
    try {
      const registry = new OAuthFlows({
        profiles: [{ ...profiles()[0]!, issuer: plain.issuer, scopes: ['offline_access'] }],
        save: (c) => store.save(c),
      });
      const flow = await registry.start('corp', { redirectUri: REDIRECT });
      expect(new URL(flow.authorizationUrl!).searchParams.get('nonce')).toBeNull();
      const done = await registry.callback((await approve(flow.authorizationUrl!)).searchParams);
      // No ID token names the account: a hash of its refresh token does.
      expect(done.credentialId).toMatch(/^corp-account-[0-9a-f]{10}$/);
    } finally {
      await plain.close();
    }
  });

  it('runs the hooks: the account from a claim, a post-token exchange', async () => {
    const registry = new OAuthFlows({
      profiles: [
        {
          ...profiles()[0]!,
          hooks: {
            accountId: (result) => `user-${String(result.claims?.sub)}`,
            afterToken: (credential, result) => ({
              ...credential,
              metadata: { ...credential.metadata, scope: result.scope },
            }),
          },
        },
      ],
      save: (c) => store.save(c),
    });
    const flow = await registry.start('corp', { redirectUri: REDIRECT });
    const done = await registry.callback((await approve(flow.authorizationUrl!)).searchParams);
    expect(done.credentialId).toBe('corp-user-user-1');
    expect((await store.get('corp-user-user-1'))!.metadata).toMatchObject({ scope: 'openid email offline_access' });
  });

  it('refuses plain HTTP to a host that is not loopback', async () => {
    const registry = new OAuthFlows({
      profiles: [{ ...profiles()[0]!, issuer: 'http://login.example.com' }],
      save: (c) => store.save(c),
    });
    await expect(registry.start('corp', { redirectUri: REDIRECT })).rejects.toThrow(
      /http:\/\/login\.example\.com is plain HTTP; use https:\/\//,
    );
  });

  it('refuses an invalid profile with its name and field', () => {
    expect(
      () => new OAuthFlows({ profiles: [{ ...profiles()[2]!, clientSecret: undefined }], save: (c) => store.save(c) }),
    ).toThrow("OAuth profile 'svc': clientSecret: required for flow client_credentials");
  });
});

describe('device authorization', () => {
  it('polls at the interval, adds 5 s on slow_down, and saves the credential', async () => {
    const registry = flows();
    const flow = await registry.start('corp-device');
    expect(flow).toMatchObject({
      flow: 'device',
      state: 'pending',
      userCode: 'WDJB-MJHT',
      verificationUri: `${fake.issuer}/activate`,
      verificationUriComplete: `${fake.issuer}/activate?user_code=WDJB-MJHT`,
      interval: 1,
    });
    const done = await registry.wait(flow.id);
    expect(done).toMatchObject({ state: 'succeeded', credentialId: 'corp-device-ann-example.com' });
    // pending after 1 s, slow_down after 1 s more, then 1 + 5 s.
    expect(sleeps).toEqual([1_000, 1_000, 6_000]);
    expectNoSecretsIn(logger.lines.join('\n'));
  });

  it('stops polling when cancelled', async () => {
    const registry = flows(
      (ms, signal) =>
        new Promise((_resolve, reject) => {
          sleeps.push(ms);
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    );
    const polls = fake.devicePolls.length;
    const flow = await registry.start('corp-device');
    expect(registry.cancel(flow.id)).toMatchObject({ state: 'cancelled' });
    await registry.wait(flow.id);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.devicePolls.length).toBe(polls);
    expect(registry.get(flow.id)!.state).toBe('cancelled');
  });
});

describe('client credentials', () => {
  it('finishes at once and renews with the same grant', async () => {
    const registry = flows();
    const flow = await registry.start('svc');
    expect(flow).toMatchObject({ state: 'succeeded', credentialId: 'svc-svc-app' });
    const saved = (await store.get('svc-svc-app'))!;
    expect(saved.oauth).toMatchObject({ grant: 'client_credentials', scope: 'llm', clientSecret: SECRET });
    expect(saved.oauth!.refreshToken).toBeUndefined();
    const executor = openaiExecutor();
    expect(executor.canRefresh!(saved)).toBe(true);
    const fresh = await executor.refresh!(saved, new AbortController().signal);
    expect(fresh.oauth!.accessToken).toBe(fake.accessTokens.at(-1));
    expect(fake.tokenCalls.at(-1)).toMatchObject({ grant: 'client_credentials', form: { scope: 'llm' } });
    await executor.close?.();
    expectNoSecretsIn(logger.lines.join('\n'));
  });

  it('revokes a token on logout (RFC 7009)', async () => {
    const registry = flows();
    const flow = await registry.start('svc');
    const saved = (await store.get(flow.credentialId!))!;
    expect(await registry.revoke(saved)).toBe(true);
    expect(fake.revoked.has(saved.oauth!.accessToken)).toBe(true);
  });
});

describe('refresh of a logged-in credential', () => {
  const chat = {
    dialect: 'openai-chat' as const,
    body: { model: 'corp-model', messages: [{ role: 'user', content: 'hi' }] },
  };

  async function loggedIn(): Promise<Credential> {
    const registry = flows();
    const flow = await registry.start('corp', { redirectUri: REDIRECT });
    const done = await registry.callback((await approve(flow.authorizationUrl!)).searchParams);
    const saved = (await store.get(done.credentialId!))!;
    // Due for refresh now.
    return store.save({ ...saved, oauth: { ...saved.oauth!, expiresAt: Date.now() - 1_000 } });
  }

  it('saves the rotated refresh token, and the server refuses the old one once used', async () => {
    const before = await loggedIn();
    const manager = new Manager({ store, executors: [openaiExecutor()], logger });
    await manager.start();
    const result = await manager.execute(chat);
    expect(result.status).toBe(200);
    const after = (await store.get(before.id))!;
    expect(after.oauth!.refreshToken).toBe(fake.refreshTokens.at(-1));
    expect(after.oauth!.refreshToken).not.toBe(before.oauth!.refreshToken);
    expect(after.oauth!.lastRefreshAt).toBeGreaterThan(before.oauth!.lastRefreshAt!);
    const state = (await manager.status()).credentials.find((c) => c.id === before.id)!;
    expect(state).toMatchObject({ lastRefreshAt: after.oauth!.lastRefreshAt, expiresAt: after.oauth!.expiresAt });
    // The old refresh token was used: the server refuses it now.
    const old = await fetch(`${fake.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: before.oauth!.refreshToken!,
        client_id: 'cli-app',
      }),
    });
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ error: 'invalid_grant' });
    await manager.close();
    expectNoSecretsIn(logger.lines.join('\n'));
  });

  it('disables the credential with a reason on invalid_grant, and never refreshes it again', async () => {
    const before = await loggedIn();
    fake.revokeAllRefreshTokens();
    const manager = new Manager({ store, executors: [openaiExecutor()], logger, retry: { baseDelayMs: 0 } });
    await manager.start();
    const calls = fake.tokenCalls.length;
    const first = await manager.execute(chat).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(Error);
    expectNoSecretsIn(String((first as Error).message));
    expect(fake.tokenCalls.length).toBe(calls + 1);
    const after = (await store.get(before.id))!;
    expect(after.disabled).toBe(true);
    expect(after.disabledReason).toMatch(/refused its refresh token \(invalid_grant\).*log in again/);
    const state = (await manager.status()).credentials.find((c) => c.id === before.id)!;
    expect(state).toMatchObject({ disabled: true, available: false });
    expect(state.disabledReason).toContain('invalid_grant');
    await manager.execute(chat).catch(() => {});
    await manager.execute(chat).catch(() => {});
    expect(fake.tokenCalls.length).toBe(calls + 1);
    await manager.close();
    expectNoSecretsIn(logger.lines.join('\n'));
  });
});
