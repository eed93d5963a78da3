// Three Managers in one process, each with its own PostgreSQL pool (PostgresTokenStore) and its own
// Redis connection (RedisStateStore), sharing one table and one key prefix: the same wiring as three
// `switchyard serve` processes, without the process management.
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { type MockBehaviour, type MockExecutor, mockExecutor } from '../../src/executors/mock.js';
import { createHandler } from '../../src/http/index.js';
import { createManagementHandler } from '../../src/management/index.js';
import { Manager } from '../../src/manager/manager.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { PostgresClientKeyStore, PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import { waitFor } from '../../src/testing/index.js';
import { deleteKeys, dropSchema } from './cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, probeRedis, REDIS_URL, runId } from './services.js';

const [postgres, redis] = await Promise.all([probePostgres(), probeRedis()]);

interface Instance {
  manager: Manager;
  store: PostgresTokenStore;
  mock: MockExecutor;
}

interface ClusterOptions {
  credentials: Credential[];
  /** Mock behaviours per instance index. */
  behaviours?: Array<Record<string, MockBehaviour>>;
  refresh?: (credential: Credential) => Promise<Credential>;
}

const chat = (model = 'mock-model') => ({
  dialect: 'openai-chat' as const,
  body: { model, messages: [{ role: 'user', content: 'hi' }] },
});

describeWithServices('three instances sharing PostgreSQL and Redis', [postgres, redis], () => {
  const schema = runId('multi');
  const prefix = `${runId('multi')}:`;
  const adminPg = new pg.Pool({ connectionString: PG_DSN, max: 2 });
  const adminRedis = new Redis(REDIS_URL);
  let clusters: Instance[][] = [];
  let n = 0;

  afterEach(async () => {
    await Promise.all(clusters.flat().map((i) => i.manager.close()));
    clusters = [];
  });
  afterAll(async () => {
    await dropSchema(adminPg, schema);
    await adminPg.end();
    await deleteKeys(adminRedis, prefix);
    adminRedis.disconnect();
  });

  async function cluster(options: ClusterOptions): Promise<Instance[]> {
    n += 1;
    const table = `tokens_${n}`;
    const keyPrefix = `${prefix}${n}:`;
    const seed = new PostgresTokenStore(PG_DSN, { schema, table });
    for (const c of options.credentials) await seed.save(c);
    await seed.close();
    const instances = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const store = new PostgresTokenStore(PG_DSN, { schema, table });
        const state = new RedisStateStore(REDIS_URL, { prefix: keyPrefix });
        const mock = mockExecutor({
          behaviours: options.behaviours?.[i] ?? {},
          ...(options.refresh ? { refresh: options.refresh } : {}),
        });
        const manager = new Manager({ store, state, executors: [mock], retry: { baseDelayMs: 0 } });
        await state.ready();
        await manager.start();
        await store.listening();
        return { manager, store, mock };
      }),
    );
    clusters.push(instances);
    return instances;
  }

  const keys = ['c1', 'c2', 'c3'].map((id) => ({ id, provider: 'mock', models: [{ name: 'mock-model' }] }));

  it('a management write on one instance is seen by the others: a credential added, disabled and its cooldowns cleared', async () => {
    const instances = await cluster({ credentials: keys });
    const secret = 'mgmt-secret-0123456789';
    const managements = instances.map((i) => createManagementHandler(i.manager, { secret }));
    const manage = async (at: number, method: string, path: string, body?: unknown) => {
      const res = await managements[at]!({
        method,
        path: `/v0/management${path}`,
        query: {},
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        signal: new AbortController().signal,
        remoteAddress: '127.0.0.1',
      });
      const text = res.body instanceof Uint8Array ? new TextDecoder().decode(res.body) : '';
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
    const added = await manage(0, 'POST', '/credentials', {
      id: 'c4',
      provider: 'mock',
      apiKey: 'sk-added-on-one-0123456789',
      models: [{ name: 'mock-model' }],
    });
    expect(added.status).toBe(201);
    await waitFor(() => instances[2]!.manager.credentials().some((c) => c.id === 'c4') || undefined);
    const seen = await manage(2, 'GET', '/credentials/c4');
    expect(seen.json.apiKey).toBe('sk-a…6789');

    await manage(1, 'POST', '/credentials/c1/disable');
    await waitFor(() => instances[0]!.manager.credentials().find((c) => c.id === 'c1')?.disabled || undefined);
    for (let i = 0; i < 6; i++) expect((await instances[0]!.manager.execute(chat())).credentialId).not.toBe('c1');
    await manage(1, 'POST', '/credentials/c1/enable');

    await instances[0]!.manager.state.setCooldown({
      credentialId: 'c2',
      model: '*',
      until: Date.now() + 60_000,
      reason: 'unauthorized',
      strikes: 1,
    });
    expect((await manage(2, 'GET', '/credentials/c2')).json.state.available).toBe(false);
    await manage(1, 'POST', '/credentials/c2/clear-cooldowns');
    expect((await manage(2, 'GET', '/credentials/c2')).json.state.available).toBe(true);
  });

  it('a client key created on one instance is accepted by the others through PostgreSQL', async () => {
    const instances = await cluster({ credentials: keys });
    const table = `client_keys_${n}`;
    const stores = instances.map(() => new PostgresClientKeyStore(PG_DSN, { schema, table }));
    const handlers = instances.map((i, k) =>
      createHandler(i.manager, { keyStore: stores[k]!, allowUnauthenticated: 'loopback' }),
    );
    const management = createManagementHandler(instances[0]!.manager, {
      secret: 'mgmt-0123456789',
      clientKeys: stores[0]!,
    });
    const base = { query: {}, signal: new AbortController().signal, remoteAddress: '10.0.0.9' };
    const chat = async (at: number, key: string) =>
      (
        await handlers[at]!({
          ...base,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
        })
      ).status;
    try {
      expect(await chat(2, 'sk-sy-unknown')).toBe(403);
      await Promise.all(stores.map((st) => st.listening()));
      const created = await management({
        ...base,
        remoteAddress: '127.0.0.1',
        method: 'POST',
        path: '/v0/management/api-keys',
        headers: { authorization: 'Bearer mgmt-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'shared' }),
      });
      expect(created.status).toBe(201);
      const { key, id } = JSON.parse(new TextDecoder().decode(created.body as Uint8Array)) as {
        key: string;
        id: string;
      };
      await waitFor(async () => ((await chat(2, key)) === 200 ? true : undefined));
      expect(await chat(1, key)).toBe(200);
      await stores[0]!.delete(id);
      // The store holds no key any more: back to loopback-only, so this remote caller gets 403.
      await waitFor(async () => ((await chat(1, key)) === 403 ? true : undefined));
    } finally {
      await Promise.all(stores.map((st) => st.close()));
    }
  });

  it('spreads 300 requests over three credentials round-robin: 100 ± 3 each', async () => {
    const instances = await cluster({ credentials: keys });
    // One at a time first, rotating over the instances: with one shared cursor every three consecutive
    // requests use three different credentials (three local cursors would each start at c1).
    const sequence: string[] = [];
    for (let i = 0; i < 30; i++) sequence.push((await instances[i % 3]!.manager.execute(chat())).credentialId);
    for (let i = 0; i + 3 <= sequence.length; i += 3) expect(new Set(sequence.slice(i, i + 3)).size).toBe(3);
    const results = await Promise.all(Array.from({ length: 270 }, (_, i) => instances[i % 3]!.manager.execute(chat())));
    const counts = new Map<string, number>();
    for (const id of [...sequence, ...results.map((r) => r.credentialId)]) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['c1', 'c2', 'c3']);
    for (const count of counts.values()) expect(Math.abs(count - 100)).toBeLessThanOrEqual(3);
  });

  it('cools a credential on every instance after one of them sees a 429', async () => {
    const instances = await cluster({
      credentials: keys,
      behaviours: [{ c1: { statuses: [429], retryAfter: '30' } }],
    });
    const first = await instances[0]!.manager.execute(chat());
    expect(first.credentialId).not.toBe('c1'); // c1 answered 429, the request failed over
    expect(instances[0]!.mock.calls[0]!.credentialId).toBe('c1');
    for (const other of [instances[1]!, instances[2]!]) {
      for (let i = 0; i < 15; i++) expect((await other.manager.execute(chat())).credentialId).not.toBe('c1');
      expect(other.mock.calls.some((c) => c.credentialId === 'c1')).toBe(false);
      const cooling = await other.manager.cooldowns();
      expect(cooling).toEqual([expect.objectContaining({ credentialId: 'c1', reason: 'rate_limited' })]);
      expect(cooling[0]!.until).toBeGreaterThan(Date.now() + 20_000);
    }
  });

  it('serves a credential added through one instance on the others within a second', async () => {
    const instances = await cluster({ credentials: keys });
    const started = Date.now();
    await instances[0]!.store.save({ id: 'c4', provider: 'mock', models: [{ name: 'mock-model' }] });
    for (const other of [instances[1]!, instances[2]!]) {
      await waitFor(() => (other.manager.credentials().some((c) => c.id === 'c4') ? true : undefined), 1_000);
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    const served = await Promise.all(Array.from({ length: 8 }, () => instances[1]!.manager.execute(chat())));
    expect(served.map((r) => r.credentialId)).toContain('c4');
  });

  it('refreshes an expiring OAuth credential exactly once under concurrent load on three instances', async () => {
    let refreshes = 0;
    const refresh = async (credential: Credential): Promise<Credential> => {
      refreshes += 1;
      await new Promise((r) => setTimeout(r, 150)); // a slow token endpoint widens the race
      return {
        ...credential,
        oauth: { ...credential.oauth!, accessToken: `fresh-${refreshes}`, expiresAt: Date.now() + 3_600_000 },
      };
    };
    const instances = await cluster({
      credentials: [
        ...keys,
        {
          id: 'o1',
          provider: 'mock',
          kind: 'oauth',
          oauth: { accessToken: 'stale', refreshToken: 'rt', expiresAt: Date.now() - 1_000 },
          models: [{ name: 'oauth-model' }],
        },
      ],
      refresh,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => instances[i % 3]!.manager.execute(chat('oauth-model'))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(refreshes).toBe(1);
    const secrets = new Set(instances.flatMap((i) => i.mock.calls.map((c) => c.secret)));
    expect([...secrets]).toEqual(['fresh-1']);
    expect((await instances[2]!.store.get('o1'))!.oauth!.accessToken).toBe('fresh-1');
  });
});
