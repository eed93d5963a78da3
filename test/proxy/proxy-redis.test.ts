// Three Managers sharing one Redis key prefix of routing state, each with its own proxy handler in
// front of one fake REST service: the round-robin cursor and the cooldowns are shared, so the three
// instances rotate over the three keys as one.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProxyHandler, type ProxyHandler } from '../../src/http/index.js';
import { Manager } from '../../src/manager/manager.js';
import { RoundRobinSelector } from '../../src/manager/selectors/round-robin.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { deleteKeys } from '../stores/cleanup.js';
import { describeWithServices, probeRedis, REDIS_URL, runId } from '../stores/services.js';
import { answer, call, type FakeService, serveHandler, startFakeService } from './helpers.js';

const redis = await probeRedis();
const CLIENT = 'sk-redis-proxy-client';
const KEYS = ['rk-aaaaaaaaaaaa', 'rk-bbbbbbbbbbbb', 'rk-cccccccccccc'];

describeWithServices('proxy rotation across three instances sharing Redis', [redis], () => {
  const prefix = `${runId('proxy')}:`;
  let fake: FakeService;
  const instances: Array<{ manager: Manager; proxy: ProxyHandler; server: { url: string; close(): Promise<void> } }> =
    [];
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
    fake = await startFakeService();
    for (let i = 0; i < 3; i++) {
      const state = new RedisStateStore(REDIS_URL, { prefix });
      const manager = new Manager({ state, selector: new RoundRobinSelector() });
      await manager.start();
      const proxy = createProxyHandler(manager, {
        apiKeys: [CLIENT],
        services: [
          {
            name: 'search',
            baseUrl: fake.url,
            keys: KEYS.map((key, k) => ({ key, id: `s${k + 1}` })),
            placement: { header: 'X-Api-Key' },
          },
        ],
      });
      instances.push({ manager, proxy, server: await serveHandler(proxy) });
    }
  });

  afterAll(async () => {
    for (const { manager, proxy, server } of instances) {
      await server.close();
      await proxy.close();
      await manager.close({ graceMs: 0 });
    }
    await fake.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  });

  const keyCounts = (from: number) => {
    const counts = new Map<string, number>();
    for (const seen of fake.seen.slice(from)) {
      const key = String(seen.headers['x-api-key']);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };

  it('spreads 30 requests from three instances evenly over three keys', async () => {
    const from = fake.seen.length;
    for (let i = 0; i < 30; i++) {
      const res = await call(instances[i % 3]!.server.url, `/proxy/search/q?i=${i}`, {
        headers: { authorization: `Bearer ${CLIENT}` },
      });
      expect(res.status).toBe(200);
    }
    expect([...keyCounts(from).entries()].sort()).toEqual(KEYS.map((k) => [k, 10]));
  });

  it('shares a cooldown: a key that got a 429 on one instance is skipped by the others', async () => {
    // Whichever key the next request gets answers 429 once; the request fails over on that instance.
    fake.next(answer(429, { 'retry-after': '600' }));
    const from = fake.seen.length;
    const first = await call(instances[0]!.server.url, '/proxy/search/q', {
      headers: { authorization: `Bearer ${CLIENT}` },
    });
    expect(first.status).toBe(200);
    const cooled = String(fake.seen[from]!.headers['x-api-key']);
    const after = fake.seen.length;
    for (let i = 0; i < 12; i++) {
      const res = await call(instances[(i % 2) + 1]!.server.url, '/proxy/search/q', {
        headers: { authorization: `Bearer ${CLIENT}` },
      });
      expect(res.status).toBe(200);
    }
    const counts = keyCounts(after);
    expect(counts.get(cooled)).toBeUndefined();
    // The key after the cooled one takes its turns too (round robin skips to the next available key).
    expect(counts.size).toBe(2);
    expect([...counts.values()].reduce((a, b) => a + b)).toBe(12);
    const cooldowns = await instances[2]!.proxy.pools.get('search')!.cooldowns();
    expect(cooldowns.map((c) => c.reason)).toEqual(['rate_limited']);
  });
});
