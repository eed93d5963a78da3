// Three Managers sharing one Redis key prefix, each holding the same Entra ID credential in a store of
// its own (as three `switchyard serve` processes reading one config file do), or all three one
// PostgreSQL table: either way exactly one token call for 60 concurrent requests.
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { azureOpenAICredential } from '../../src/executors/azure/azure-credential.js';
import { azureOpenAIExecutor } from '../../src/executors/azure/azure-openai-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import type { TokenStore } from '../../src/manager/stores/types.js';
import { type FakeAzure, startFakeAzure } from '../fakes/fake-azure.js';
import { deleteKeys, dropSchema } from './cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, probeRedis, REDIS_URL, runId } from './services.js';

const [postgres, redis] = await Promise.all([probePostgres(), probeRedis()]);

const chat = {
  dialect: 'openai-chat' as const,
  body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
};

describeWithServices('Entra ID tokens across three instances sharing Redis', [postgres, redis], () => {
  const prefix = `${runId('entra')}:`;
  const schema = runId('entra');
  const adminRedis = new Redis(REDIS_URL);
  const adminPg = new pg.Pool({ connectionString: PG_DSN, max: 1 });
  let fake: FakeAzure;
  let managers: Manager[] = [];
  let n = 0;

  beforeAll(async () => {
    // A slow token endpoint widens the race between the instances.
    fake = await startFakeAzure({ tokenDelayMs: 150 });
  });
  beforeEach(() => {
    fake.tokenCalls.length = 0;
    fake.issuedTokens.length = 0;
    fake.requests.length = 0;
  });
  afterEach(async () => {
    await Promise.all(managers.map((m) => m.close()));
    managers = [];
  });
  afterAll(async () => {
    await fake.close();
    await deleteKeys(adminRedis, prefix);
    adminRedis.disconnect();
    await dropSchema(adminPg, schema);
    await adminPg.end();
  });

  function entra(): Credential {
    const { tenant, clientId, clientSecret } = fake.options.entra;
    return azureOpenAICredential({
      id: 'azure-entra',
      endpoint: fake.endpoint,
      apiVersion: '2024-10-21',
      models: [{ name: 'prod-gpt4o', alias: 'gpt-4o' }],
      auth: { entra: { tenantId: tenant, clientId, clientSecret, tokenUrl: fake.tokenUrl() } },
    });
  }

  async function instances(stores: TokenStore[]): Promise<Manager[]> {
    n += 1;
    const keyPrefix = `${prefix}${n}:`;
    managers = await Promise.all(
      stores.map(async (store) => {
        const state = new RedisStateStore(REDIS_URL, { prefix: keyPrefix });
        const manager = new Manager({ store, state, executors: [azureOpenAIExecutor()], retry: { baseDelayMs: 0 } });
        await state.ready();
        await manager.start();
        return manager;
      }),
    );
    return managers;
  }

  async function sixtyRequests(all: Manager[]): Promise<void> {
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => all[i % 3]!.execute(chat)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.tokenCalls).toHaveLength(1);
    const bearers = new Set(
      fake.requests.filter((r) => r.path.startsWith('/openai/')).map((r) => r.headers.authorization),
    );
    expect([...bearers]).toEqual([`Bearer ${fake.issuedTokens[0]}`]);
  }

  it('makes one token call when each instance has the credential in a store of its own (one config file)', async () => {
    const all = await instances([0, 1, 2].map(() => new MemoryTokenStore([entra()])));
    await sixtyRequests(all);
    // Redis holds the access token for its lifetime, never the client secret.
    const keys = await adminRedis.keys(`${prefix}${n}:*`);
    const values = await Promise.all(
      keys.map((k) => adminRedis.type(k).then((t) => (t === 'string' ? adminRedis.get(k) : ''))),
    );
    expect(values.join('\n')).not.toContain(fake.options.entra.clientSecret);
  });

  it('makes one token call when the instances share one PostgreSQL table of credentials', async () => {
    const table = 'tokens';
    const seed = new PostgresTokenStore(PG_DSN, { schema, table });
    await seed.save(entra());
    await seed.close();
    const stores = [0, 1, 2].map(() => new PostgresTokenStore(PG_DSN, { schema, table }));
    const all = await instances(stores);
    await Promise.all(stores.map((s) => s.listening()));
    await sixtyRequests(all);
    expect((await stores[1]!.get('azure-entra'))!.oauth!.accessToken).toBe(fake.issuedTokens[0]);
  });
});
