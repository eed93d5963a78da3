// One logged-in OAuth credential, due for refresh, held by three Managers that share routing state in
// Redis (three `switchyard serve` processes): 60 concurrent requests make exactly one token call.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { OAuthFlows } from '../../src/oauth/index.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { deleteKeys } from '../stores/cleanup.js';
import { describeWithServices, probeRedis, REDIS_URL, runId } from '../stores/services.js';
import { approve, corpProfile } from './helpers.js';

const redis = await probeRedis();
const chat = {
  dialect: 'openai-chat' as const,
  body: { model: 'corp-model', messages: [{ role: 'user', content: 'hi' }] },
};

describeWithServices('an OAuth login refreshed across three instances sharing Redis', [redis], () => {
  const prefix = `${runId('oauth')}:`;
  const admin = new Redis(REDIS_URL);
  let fake: FakeOidc;
  let credential: Credential;
  const managers: Manager[] = [];

  beforeAll(async () => {
    // A slow token endpoint widens the race between the instances.
    fake = await startFakeOidc({ tokenDelayMs: 150 });
    let saved: Credential | undefined;
    const flows = new OAuthFlows({
      profiles: [corpProfile(fake.issuer)],
      save: async (c) => {
        saved = c;
        return c;
      },
    });
    const flow = await flows.start('corp', { redirectUri: 'http://127.0.0.1:9/cb' });
    await flows.callback((await approve(flow.authorizationUrl!)).searchParams);
    credential = { ...saved!, oauth: { ...saved!.oauth!, expiresAt: Date.now() - 1_000 } };
  });
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.close()));
    await fake.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  });

  it('makes exactly one token call for 60 concurrent requests', async () => {
    for (let i = 0; i < 3; i++) {
      const state = new RedisStateStore(REDIS_URL, { prefix });
      await state.ready();
      const manager = new Manager({
        store: new MemoryTokenStore([credential]),
        state,
        executors: [openaiExecutor()],
        retry: { baseDelayMs: 0 },
      });
      await manager.start();
      managers.push(manager);
    }
    const refreshCallsBefore = fake.tokenCalls.filter((c) => c.grant === 'refresh_token').length;
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => managers[i % 3]!.execute(chat)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.tokenCalls.filter((c) => c.grant === 'refresh_token').length - refreshCallsBefore).toBe(1);
    const fresh = fake.accessTokens.at(-1)!;
    expect(new Set(fake.apiCalls)).toEqual(new Set([fresh]));
    // Redis holds the access token for its lifetime, never a refresh token.
    const keys = await admin.keys(`${prefix}*`);
    const values = await Promise.all(keys.map((k) => admin.type(k).then((t) => (t === 'string' ? admin.get(k) : ''))));
    for (const rt of fake.refreshTokens) expect(values.join('\n')).not.toContain(rt);
  });
});
