import pg from 'pg';
import { afterAll, expect, it, vi } from 'vitest';
import { fromConfig } from '../../src/config/index.js';
import { attachUsageSink, Manager, mockExecutor, type UsageAggregateQuery, type UsageRecord } from '../../src/index.js';
import { PostgresUsageSink, type PostgresUsageSinkOptions } from '../../src/manager/stores/postgres/index.js';
import { aggregateRecords } from '../../src/observe/usage/aggregate.js';
import { usageRecord as rec } from '../../src/observe/usage/usage-fixtures.test-helpers.js';
import { waitFor } from '../../src/testing/index.js';
import { dropSchema } from './cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, runId } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

const postgres = await probePostgres();
const H = 3_600_000;

describeWithServices('PostgresUsageSink against PostgreSQL', [postgres], () => {
  const schema = runId('pgusage');
  const admin = new pg.Pool({ connectionString: PG_DSN, max: 3 });
  const sinks: PostgresUsageSink[] = [];
  let n = 0;
  const open = (options: PostgresUsageSinkOptions = {}, connection: pg.Pool | string = PG_DSN) => {
    const sink = new PostgresUsageSink(connection, { schema, table: `u${n}`, ...options });
    sinks.push(sink);
    return sink;
  };
  const nextTable = () => {
    n += 1;
  };
  /** The batch INSERT, sent as a named statement (a config object) since it is prepared once per connection. */
  const isInsert = (arg: unknown) =>
    typeof arg === 'object' && arg !== null && String((arg as { text?: unknown }).text).includes('INSERT INTO');
  const rowCount = async () =>
    Number((await admin.query(`SELECT count(*)::int AS c FROM "${schema}"."u${n}"`)).rows[0].c);

  afterAll(async () => {
    for (const s of sinks) await s.close();
    await dropSchema(admin, schema);
    await admin.end();
  });

  it('creates its table once when several instances start together', async () => {
    nextTable();
    await Promise.all(Array.from({ length: 4 }, () => open().start()));
    const { rows } = await admin.query(`SELECT version FROM "${schema}"."u${n}_migrations"`);
    expect(rows.map((r) => r.version).sort()).toEqual([1, 2]);
  });

  it('inserts in batches: one INSERT per batch', async () => {
    nextTable();
    const pool = new pg.Pool({ connectionString: PG_DSN, max: 2 });
    const sink = open({ batchSize: 500, flushIntervalMs: 60_000 }, pool);
    await sink.start();
    const query = vi.spyOn(pool, 'query');
    for (let i = 0; i < 1200; i++) sink.write(rec({ requestId: `r${i}` }));
    await sink.flush();
    const inserts = query.mock.calls.filter(([sql]) => isInsert(sql));
    expect(inserts).toHaveLength(3);
    expect(await rowCount()).toBe(1200);
    expect(sink.written).toBe(1200);
    await sink.close();
    await pool.end();
  });

  it('a batch retried after its answer was lost is stored once', async () => {
    nextTable();
    const pool = new pg.Pool({ connectionString: PG_DSN, max: 2 });
    const sink = open({ flushIntervalMs: 60_000 }, pool);
    await sink.start();
    const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    let lost = false;
    vi.spyOn(pool, 'query').mockImplementation((async (...args: unknown[]) => {
      const result = await original(...args);
      if (!lost && isInsert(args[0])) {
        lost = true;
        throw new Error('Connection terminated unexpectedly');
      }
      return result;
    }) as never);
    for (let i = 0; i < 5; i++) sink.write(rec({ requestId: `r${i}` }));
    await sink.flush();
    expect(lost).toBe(true);
    expect(sink.pending).toBe(5);
    await sink.flush();
    expect(sink.pending).toBe(0);
    expect(await rowCount()).toBe(5);
    await sink.close();
    await pool.end();
  });

  it('a table made by the first release is migrated in place: its rows stay, new batches are stored', async () => {
    nextTable();
    const table = `"${schema}"."u${n}"`;
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    // The first release's table, with the unique uid index every record used to pay for.
    await admin.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, uid uuid NOT NULL UNIQUE,
      ts timestamptz NOT NULL, request_id text NOT NULL, principal text, credential_id text, provider text,
      model_requested text NOT NULL, model_used text, dialect text NOT NULL, stream boolean NOT NULL,
      prompt_tokens bigint NOT NULL, completion_tokens bigint NOT NULL, cached_tokens bigint NOT NULL,
      cache_write_tokens bigint NOT NULL, reasoning_tokens bigint NOT NULL, latency_ms integer NOT NULL,
      ttfb_ms integer, attempts integer NOT NULL, success boolean NOT NULL, error_code text,
      cost_amount double precision, cost_currency text)`);
    await admin.query(`CREATE TABLE "${schema}"."u${n}_migrations" (version integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await admin.query(`INSERT INTO "${schema}"."u${n}_migrations" (version) VALUES (1)`);
    await admin.query(`INSERT INTO ${table} (uid, ts, request_id, model_requested, dialect, stream, prompt_tokens,
      completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, latency_ms, attempts, success)
      VALUES (gen_random_uuid(), now(), 'old', 'm', 'openai-chat', false, 1, 1, 0, 0, 0, 1, 1, true)`);
    const sink = open({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) sink.write(rec({ requestId: `new${i}` }));
    await sink.flush();
    expect(sink.pending).toBe(0);
    const { rows } = await admin.query(`SELECT request_id FROM ${table} ORDER BY id`);
    expect(rows.map((r) => r.request_id)).toEqual(['old', 'new0', 'new1', 'new2']);
  });

  it('aggregates by each dimension and bucket exactly as the pure aggregate does', async () => {
    nextTable();
    const sink = open({ flushIntervalMs: 60_000 });
    const t0 = Date.UTC(2026, 0, 15, 10, 30);
    const records: UsageRecord[] = [];
    const principals = ['alice', 'bob', undefined];
    for (let i = 0; i < 60; i++) {
      records.push(
        rec({
          requestId: `r${i}`,
          timestamp: t0 + i * 2 * H + (i % 7) * 1000,
          principal: principals[i % 3],
          credentialId: `c${i % 4}`,
          provider: i % 2 ? 'anthropic' : 'openai',
          modelUsed: i % 5 === 0 ? undefined : `m${i % 3}`,
          modelRequested: 'req',
          success: i % 6 !== 0,
          promptTokens: i,
          completionTokens: 2 * i,
          cachedTokens: i % 3,
          cacheWriteTokens: i % 2,
          reasoningTokens: i % 4,
          cost: i % 9 === 0 ? undefined : { amount: i / 1000, currency: i % 10 === 1 ? 'EUR' : 'USD' },
        }),
      );
    }
    for (const r of records) sink.write(r);
    await sink.flush();
    const queries: UsageAggregateQuery[] = [
      {},
      { groupBy: ['principal'] },
      { groupBy: ['credential'] },
      { groupBy: ['provider'] },
      { groupBy: ['model'] },
      { groupBy: ['principal', 'model'] },
      { bucket: 'hour' },
      { bucket: 'day', groupBy: ['provider'] },
      { from: t0 + 10 * H, to: t0 + 50 * H, principal: 'alice' },
      { model: 'm1', credentialId: 'c1' },
      { from: t0 + 1_000 * H },
    ];
    for (const q of queries) {
      expect(await sink.aggregate(q), JSON.stringify(q)).toEqual(aggregateRecords(records, q));
    }
  });

  it('pages records newest first with a cursor that is stable under inserts', async () => {
    nextTable();
    const sink = open({ flushIntervalMs: 60_000 });
    for (let i = 1; i <= 7; i++) sink.write(rec({ requestId: `r${i}`, ttfbMs: 12, errorCode: 'X' }));
    await sink.flush();
    const first = await sink.records({ limit: 3 });
    expect(first.records.map((r) => r.requestId)).toEqual(['r7', 'r6', 'r5']);
    expect(first.records[0]).toMatchObject({ ...rec({ requestId: 'r7', ttfbMs: 12, errorCode: 'X' }) });
    for (let i = 8; i <= 10; i++) sink.write(rec({ requestId: `r${i}` }));
    await sink.flush();
    const second = await sink.records({ limit: 3, cursor: first.nextCursor! });
    expect(second.records.map((r) => r.requestId)).toEqual(['r4', 'r3', 'r2']);
    const third = await sink.records({ limit: 3, cursor: second.nextCursor! });
    expect(third.records.map((r) => r.requestId)).toEqual(['r1']);
    expect(third.nextCursor).toBeUndefined();
    expect((await sink.records({ principal: 'nobody' })).records).toEqual([]);
  });

  it('deletes rows past retention', async () => {
    nextTable();
    const sink = open({ flushIntervalMs: 60_000, retentionMs: 24 * H });
    sink.write(rec({ requestId: 'old', timestamp: Date.now() - 48 * H }));
    sink.write(rec({ requestId: 'new', timestamp: Date.now() }));
    await sink.flush();
    await sink.prune();
    expect((await sink.records()).records.map((r) => r.requestId)).toEqual(['new']);
  });

  it('is what usage.sink: postgres builds from the config', async () => {
    nextTable();
    const app = await fromConfig(
      { mock: true, usage: { sink: 'postgres', dsn: PG_DSN, schema, table: `u${n}` } },
      { env: {}, watch: false },
    );
    expect(app.usage).toBeInstanceOf(PostgresUsageSink);
    await app.manager.execute({
      dialect: 'openai-chat',
      body: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
      principal: 'alice',
    });
    await app.usage.flush();
    expect((await app.usage.records()).records).toEqual([
      expect.objectContaining({ principal: 'alice', modelRequested: 'mock-model', success: true }),
    ]);
    await app.close();
  });

  it('survives a killed backend: requests are not delayed and every record arrives after reconnect', async () => {
    nextTable();
    const app = runId('usage-app');
    const sink = open({ flushIntervalMs: 20 }, `${PG_DSN}?application_name=${app}`);
    await sink.start();
    const manager = new Manager({
      executors: [mockExecutor()],
      credentials: [{ id: 'm1', provider: 'mock' }],
    });
    attachUsageSink(manager, sink);
    const call = () =>
      manager.execute({
        dialect: 'openai-chat',
        body: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
      });
    for (let i = 0; i < 20; i++) await call();
    await waitFor(() => (sink.pending === 0 && sink.written === 20 ? true : undefined), 5_000);

    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    expect(killed.rowCount).toBeGreaterThan(0);
    // While the sink's connections are dead, requests go on: the record is queued synchronously (write
    // returns nothing to wait for), and no request waits on a reconnect (5 s connect timeout).
    const write = vi.spyOn(sink, 'write');
    let slowest = 0;
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await call();
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(write).toHaveBeenCalledTimes(30);
    for (const result of write.mock.results) expect(result).toEqual({ type: 'return', value: undefined });
    expect(slowest).toBeLessThan(2_000);
    await waitFor(() => (sink.pending === 0 && sink.written === 50 ? true : undefined), 10_000);
    expect(await rowCount()).toBe(50);
    expect(sink.dropped).toBe(0);
    await manager.close();
  });

  it('drops and counts records past its queue while the database is unreachable, and catches up after', async () => {
    nextTable();
    const url = new URL(PG_DSN);
    const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.start();
    const via = new URL(PG_DSN);
    via.port = String(proxy.port);
    const warn = vi.fn();
    const sink = open(
      { flushIntervalMs: 20, maxQueue: 10, logger: { debug() {}, info() {}, warn, error() {} } },
      via.toString(),
    );
    await sink.start();
    await proxy.stop();
    const started = performance.now();
    for (let i = 0; i < 25; i++) sink.write(rec({ requestId: `down${i}` }));
    // write() only queues: it never waits on the database.
    expect(performance.now() - started).toBeLessThan(500);
    expect(sink.dropped).toBe(15);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ dropped: 1 }), expect.stringMatching(/dropped/));
    await sink.flush();
    expect(sink.pending).toBe(10);
    await proxy.start();
    await waitFor(() => (sink.pending === 0 ? true : undefined), 40_000);
    expect(await rowCount()).toBe(10);
    expect(sink.dropped).toBe(15);
    await sink.close();
    await proxy.stop();
  }, 60_000);
});
