// Three Managers, each with its own PostgreSQL pool and Redis connection, sharing one credential table
// (secrets encrypted at rest) and one key prefix of routing state, in front of one fake Vertex AI: a
// service-account credential whose token has not been fetched yet is refreshed exactly once for 60
// concurrent requests spread over the three, and its private key never sits in the table in the clear.
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { vertexCredential } from '../../src/executors/vertex/vertex-credential.js';
import { vertexExecutor } from '../../src/executors/vertex/vertex-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';
import { deleteKeys, dropSchema } from '../stores/cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, probeRedis, REDIS_URL, runId } from '../stores/services.js';

const [postgres, redis] = await Promise.all([probePostgres(), probeRedis()]);
const SECRET_KEY = 'vertex-refresh-test-secret-key';

describeWithServices('Vertex AI service-account refresh across three instances', [postgres, redis], () => {
  const schema = runId('vertex');
  const prefix = `${runId('vertex')}:`;
  const table = 'tokens';
  const adminPg = new pg.Pool({ connectionString: PG_DSN, max: 2 });
  const adminRedis = new Redis(REDIS_URL);
  let fake: FakeVertex;
  const managers: Manager[] = [];
  const executors = [0, 1, 2].map(() => vertexExecutor({ headersTimeoutMs: 10_000 }));

  beforeAll(async () => {
    fake = await startFakeVertex();
    // A slow token endpoint widens the window in which the three instances race for the refresh.
    fake.options.tokenDelayMs = 300;
    const seed = new PostgresTokenStore(PG_DSN, { schema, table, secretKey: SECRET_KEY });
    await seed.save(
      vertexCredential({
        id: 'vertex-sa',
        location: 'us-east5',
        baseUrl: fake.url,
        models: [{ name: 'gemini-2.5-flash', alias: 'flash' }],
        auth: { serviceAccount: fake.serviceAccountKey },
      }),
    );
    await seed.close();
    for (const executor of executors) {
      const store = new PostgresTokenStore(PG_DSN, { schema, table, secretKey: SECRET_KEY });
      const state = new RedisStateStore(REDIS_URL, { prefix });
      const manager = new Manager({ store, state, executors: [executor], retry: { baseDelayMs: 0 } });
      await state.ready();
      await manager.start();
      await store.listening();
      managers.push(manager);
    }
  });

  afterAll(async () => {
    await Promise.all(managers.map((m) => m.close()));
    await Promise.all(executors.map((e) => e.close()));
    await fake?.close();
    await dropSchema(adminPg, schema);
    await adminPg.end();
    await deleteKeys(adminRedis, prefix);
    adminRedis.disconnect();
  });

  it('makes exactly one token call for 60 concurrent requests on three instances', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        managers[i % 3]!.execute({
          dialect: 'openai-chat',
          body: { model: 'flash', messages: [{ role: 'user', content: 'hi' }] },
        }),
      ),
    );
    for (const r of results) expect(r.status).toBe(200);
    expect(fake.tokenCalls).toHaveLength(1);
    const calls = fake.requests.filter((r) => r.path.startsWith('/v1/'));
    expect(calls).toHaveLength(60);
    expect(new Set(calls.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${fake.issuedTokens[0]}`]));
  });

  it('keeps the private key and the access token encrypted at rest', async () => {
    const { rows } = await adminPg.query(`SELECT data::text AS data FROM "${schema}"."${table}"`);
    expect(rows).toHaveLength(1);
    const raw = String(rows[0].data);
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain(fake.serviceAccountKey.private_key!.split('\n')[1]);
    expect(raw).not.toContain(fake.issuedTokens[0]!);
    expect(raw).toContain(fake.serviceAccountKey.client_email!);
  });
});
