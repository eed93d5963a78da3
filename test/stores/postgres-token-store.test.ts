import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromEnv, PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import { migrateTokenTable } from '../../src/manager/stores/postgres/migrate-token-table.js';
import { tableNames } from '../../src/manager/stores/postgres/sql-identifiers.js';
import type { TokenStoreEvent } from '../../src/manager/stores/types.js';
import { waitFor } from '../../src/testing/index.js';
import { dropSchema } from './cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, runId } from './services.js';

const postgres = await probePostgres();

describeWithServices('PostgresTokenStore against PostgreSQL', [postgres], () => {
  const schema = runId('pgstore');
  const admin = new pg.Pool({ connectionString: PG_DSN, max: 3 });
  const stores: PostgresTokenStore[] = [];
  let n = 0;
  const open = (options: ConstructorParameters<typeof PostgresTokenStore>[1] = {}, dsn = PG_DSN) => {
    const store = new PostgresTokenStore(dsn, { schema, table: `t${n}`, ...options });
    stores.push(store);
    return store;
  };
  const nextTable = () => {
    n += 1;
  };
  const rawData = async (table: string, id: string) =>
    (
      await admin.query<{ data: string }>(`SELECT data::text AS data FROM "${schema}"."${table}" WHERE auth_id = $1`, [
        id,
      ])
    ).rows[0]?.data;

  let savedKey: string | undefined;
  beforeAll(() => {
    savedKey = process.env.SWITCHYARD_SECRET_KEY;
    delete process.env.SWITCHYARD_SECRET_KEY;
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(admin, schema);
    await admin.end();
    if (savedKey !== undefined) process.env.SWITCHYARD_SECRET_KEY = savedKey;
  });

  it('migrates once when several instances start at the same moment, and again is a no-op', async () => {
    nextTable();
    const many = Array.from({ length: 6 }, () => open());
    await Promise.all(many.map((s) => s.start()));
    const { rows } = await admin.query<{ version: number }>(
      `SELECT version FROM "${schema}"."t${n}_migrations" ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(await migrateTokenTable(admin, tableNames(schema, `t${n}`))).toEqual([]);
    const index = await admin.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2`, [
      schema,
      `t${n}_updated_at_idx`,
    ]);
    expect(index.rowCount).toBe(1);
  });

  it('refuses a stale save with ConflictError', async () => {
    nextTable();
    const a = open();
    const b = open();
    const v1 = await a.save({ id: 'k', provider: 'mock', apiKey: 'one' });
    await b.save({ ...v1, apiKey: 'two' }, { expectedVersion: v1.version! });
    await expect(a.save({ ...v1, apiKey: 'three' }, { expectedVersion: v1.version! })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'SWITCHYARD_CONFLICT',
    });
    expect((await a.get('k'))!.apiKey).toBe('two');
  });

  it('delivers a change by store A to store B through NOTIFY within a second', async () => {
    nextTable();
    const a = open();
    const b = open();
    const events: TokenStoreEvent[] = [];
    b.watch((e) => events.push(e));
    await b.listening();
    const started = Date.now();
    await a.save({ id: 'new', provider: 'mock', apiKey: 'sk-new' });
    await waitFor(() => events.find((e) => e.type === 'upsert' && e.credential.id === 'new'), 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    // A change by hand (psql) arrives the same way: the trigger notifies.
    await admin.query(`UPDATE "${schema}"."t${n}" SET data = data || '{"label":"by hand"}', version = version + 1`);
    await waitFor(() => events.find((e) => e.type === 'upsert' && e.credential.label === 'by hand'), 1_000);
  });

  it('reconnects after its connection is terminated and picks up what changed meanwhile', async () => {
    nextTable();
    const app = runId('listener');
    const a = open();
    const b = open({ reconnect: { minDelayMs: 300, maxDelayMs: 1_000 } }, `${PG_DSN}?application_name=${app}`);
    await a.save({ id: 'stays', provider: 'mock', apiKey: 'k1' });
    await a.save({ id: 'goes', provider: 'mock', apiKey: 'k2' });
    const events: TokenStoreEvent[] = [];
    b.watch((e) => events.push(e));
    await b.list();
    await b.listening();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`,
      [app],
    );
    expect(killed.rowCount).toBe(1);
    // While B is away: one change, one addition, one deletion.
    const stays = (await a.get('stays'))!;
    await a.save({ ...stays, apiKey: 'k1-rotated' }, { expectedVersion: stays.version! });
    await a.save({ id: 'added', provider: 'mock', apiKey: 'k3' });
    await a.delete('goes');
    await waitFor(() => events.find((e) => e.type === 'delete' && e.id === 'goes'), 5_000);
    await waitFor(() => events.find((e) => e.type === 'upsert' && e.credential.id === 'added'), 5_000);
    await waitFor(
      () =>
        events.find((e) => e.type === 'upsert' && e.credential.id === 'stays' && e.credential.apiKey === 'k1-rotated'),
      5_000,
    );
    // And it listens again.
    await a.save({ id: 'after', provider: 'mock' });
    await waitFor(() => events.find((e) => e.type === 'upsert' && e.credential.id === 'after'), 2_000);
  });

  it('encrypts secrets at rest and reads them back', async () => {
    nextTable();
    const store = open({ secretKey: 'correct horse battery staple' });
    await store.save({
      id: 'enc',
      provider: 'mock',
      kind: 'oauth',
      oauth: {
        accessToken: 'at-SECRET-1',
        refreshToken: 'rt-SECRET-2',
        clientSecret: 'cs-SECRET-4',
        clientId: 'app',
        expiresAt: 123,
      },
    });
    await store.save({ id: 'enc-key', provider: 'mock', apiKey: 'sk-SECRET-3' });
    const raw = `${await rawData(`t${n}`, 'enc')}${await rawData(`t${n}`, 'enc-key')}`;
    expect(raw).not.toMatch(/SECRET/);
    expect(raw).toContain('"expiresAt": 123');
    const other = open({ secretKey: 'correct horse battery staple' });
    expect(await other.get('enc')).toMatchObject({
      oauth: { accessToken: 'at-SECRET-1', refreshToken: 'rt-SECRET-2', clientSecret: 'cs-SECRET-4', clientId: 'app' },
    });
    expect(await other.get('enc-key')).toMatchObject({ apiKey: 'sk-SECRET-3' });
  });

  it('reports encrypted records it has no key for, and keeps serving the others', async () => {
    nextTable();
    const withKey = open({ secretKey: 'k-1' });
    await withKey.save({ id: 'sealed', provider: 'mock', apiKey: 'sk-sealed' });
    const keyless = open();
    await keyless.save({ id: 'plain', provider: 'mock', apiKey: 'sk-plain' });
    const wrongKey = open({ secretKey: 'k-2' });
    for (const store of [keyless, wrongKey]) {
      const events: TokenStoreEvent[] = [];
      store.watch((e) => events.push(e));
      const listed = await store.list();
      expect(listed.map((c) => c.id)).toEqual(['plain']);
      expect(await store.get('sealed')).toBeUndefined();
      const error = events.find((e) => e.type === 'error');
      expect(error).toMatchObject({ type: 'error', id: 'sealed' });
      expect(error?.type === 'error' && error.error.message).not.toContain('sk-sealed');
    }
  });

  it('rotates keys: a previous key still reads, and the record is re-encrypted with the current one', async () => {
    nextTable();
    const old = open({ secretKey: 'old-key' });
    await old.save({ id: 'r', provider: 'mock', apiKey: 'sk-rotate' });
    const plain = open();
    await plain.save({ id: 'was-plain', provider: 'mock', apiKey: 'sk-was-plain' });
    const before = JSON.parse((await rawData(`t${n}`, 'r'))!) as { $sealed: { kid: string } };
    const rotated = open({ secretKey: 'new-key', previousKeys: ['old-key'] });
    const listed = await rotated.list();
    expect(listed.find((c) => c.id === 'r')).toMatchObject({ apiKey: 'sk-rotate', version: 1 });
    expect(listed.find((c) => c.id === 'was-plain')).toMatchObject({ apiKey: 'sk-was-plain' });
    await waitFor(async () => {
      const now = JSON.parse((await rawData(`t${n}`, 'r'))!) as { $sealed: { kid: string } };
      return now.$sealed.kid !== before.$sealed.kid ? true : undefined;
    });
    await waitFor(async () => ((await rawData(`t${n}`, 'was-plain'))!.includes('sk-was-plain') ? undefined : true));
    const onlyNew = open({ secretKey: 'new-key' });
    expect(await onlyNew.get('r')).toMatchObject({ apiKey: 'sk-rotate', version: 1 });
    expect(await onlyNew.get('was-plain')).toMatchObject({ apiKey: 'sk-was-plain' });
  });

  it('builds a store from PGSTORE_* variables', async () => {
    const store = fromEnv({}, { PGSTORE_DSN: PG_DSN, PGSTORE_SCHEMA: schema, PGSTORE_TABLE: 'from_env' });
    stores.push(store);
    expect(store.names).toMatchObject({ schema, table: 'from_env' });
    await store.save({ id: 'e', provider: 'mock' });
    expect(await store.get('e')).toMatchObject({ id: 'e', version: 1 });
    expect(() => fromEnv({}, {})).toThrow(/PGSTORE_DSN/);
  });
});
