import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import * as vitest from 'vitest';
import { afterAll } from 'vitest';
import { MemoryStateStore } from '../../src/manager/state/memory/memory-state-store.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { FileTokenStore } from '../../src/manager/stores/file/file-token-store.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import { describeStateStoreContract, describeTokenStoreContract } from '../../src/testing/index.js';
import { deleteKeys, dropSchema } from './cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, probeRedis, REDIS_URL, runId } from './services.js';

const [postgres, redis] = await Promise.all([probePostgres(), probeRedis()]);

describeTokenStoreContract(vitest, 'MemoryTokenStore', () => ({ store: new MemoryTokenStore() }));

// Two handles on one directory stand for two processes: the version check and write happen under a lock file.
describeTokenStoreContract(vitest, 'FileTokenStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-contract-'));
  return {
    store: new FileTokenStore({ dir, debounceMs: 10 }),
    other: new FileTokenStore({ dir, debounceMs: 10 }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describeWithServices('PostgresTokenStore', [postgres], () => {
  const schema = runId('contract');
  const admin = new pg.Pool({ connectionString: PG_DSN, max: 2 });
  let n = 0;
  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });
  describeTokenStoreContract(vitest, 'PostgresTokenStore', () => {
    const table = `tokens_${++n}`;
    return {
      store: new PostgresTokenStore(PG_DSN, { schema, table, secretKey: 'contract-key' }),
      other: new PostgresTokenStore(PG_DSN, { schema, table, secretKey: 'contract-key' }),
    };
  });
});

describeStateStoreContract(vitest, 'MemoryStateStore', () => ({ state: new MemoryStateStore() }));

describeWithServices('RedisStateStore', [redis], () => {
  const admin = new Redis(REDIS_URL);
  const base = `${runId('contract')}:`;
  let n = 0;
  afterAll(async () => {
    await deleteKeys(admin, base);
    admin.disconnect();
  });
  describeStateStoreContract(vitest, 'RedisStateStore', async () => {
    const prefix = `${base}${++n}:`;
    const state = new RedisStateStore(REDIS_URL, { prefix });
    const other = new RedisStateStore(REDIS_URL, { prefix });
    await Promise.all([state.ready(), other.ready()]);
    return { state, other, cleanup: () => deleteKeys(admin, prefix) };
  });
});
