import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { applyMigrations, type Migration } from '../../manager/stores/postgres/apply-migrations.js';
import { quoteIdentifier, type TableNames, tableNames } from '../../manager/stores/postgres/sql-identifiers.js';
import type { UsageRecord } from '../../manager/types.js';
import type { Dialect } from '../../translate/dialect.js';
import {
  checkAggregateQuery,
  decodeCursor,
  emptyAggregate,
  encodeCursor,
  pageLimit,
  roundCost,
  sortAggregates,
} from './aggregate.js';
import type {
  StoredUsageRecord,
  UsageAggregate,
  UsageAggregateQuery,
  UsageFilter,
  UsageRecordPage,
  UsageRecordsQuery,
  UsageSink,
} from './types.js';

/** Options of {@link PostgresUsageSink}. */
export interface PostgresUsageSinkOptions {
  /** Schema of the table, created when missing. Default `public`. */
  schema?: string;
  /** Table name. Default `switchyard_usage`. */
  table?: string;
  /** Records per INSERT. Default 500. */
  batchSize?: number;
  /** How often queued records are written, ms. Default 500. */
  flushIntervalMs?: number;
  /** Records queued while the database is slow or down; past it new ones are dropped (counted). Default 10 000. */
  maxQueue?: number;
  /** Rows older than this (ms) are deleted, at start and hourly. Default: kept. */
  retentionMs?: number;
  /** Longest wait for the last records on `close()`, ms. Default 5 000. */
  closeTimeoutMs?: number;
  /** Where write failures and drops are reported. Default: silent. */
  logger?: Logger;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: ({ qualified, table }) => [
      `CREATE TABLE IF NOT EXISTS ${qualified} (
        id bigserial PRIMARY KEY,
        uid uuid NOT NULL UNIQUE,
        ts timestamptz NOT NULL,
        request_id text NOT NULL,
        principal text,
        credential_id text,
        provider text,
        model_requested text NOT NULL,
        model_used text,
        dialect text NOT NULL,
        stream boolean NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        cached_tokens bigint NOT NULL,
        cache_write_tokens bigint NOT NULL,
        reasoning_tokens bigint NOT NULL,
        latency_ms integer NOT NULL,
        ttfb_ms integer,
        attempts integer NOT NULL,
        success boolean NOT NULL,
        error_code text,
        cost_amount double precision,
        cost_currency text
      )`,
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_ts_idx`)} ON ${qualified} (ts)`,
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_principal_ts_idx`)} ON ${qualified} (principal, ts)`,
    ],
  },
];

const INSERT_COLUMNS = [
  'uid',
  'ts',
  'request_id',
  'principal',
  'credential_id',
  'provider',
  'model_requested',
  'model_used',
  'dialect',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'latency_ms',
  'ttfb_ms',
  'attempts',
  'success',
  'error_code',
  'cost_amount',
  'cost_currency',
] as const;

const SELECT_COLUMNS = `id::text AS id, (extract(epoch FROM ts) * 1000)::float8 AS ts_ms, ${INSERT_COLUMNS.slice(2).join(', ')}`;

const MODEL = 'coalesce(model_used, model_requested)';
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
const HOUR = 3_600_000;

/** A queued record with the id that makes a retried INSERT of it a no-op. */
interface Queued {
  uid: string;
  record: UsageRecord;
}

interface UsageRow {
  id: string;
  ts_ms: number;
  request_id: string;
  principal: string | null;
  credential_id: string | null;
  provider: string | null;
  model_requested: string;
  model_used: string | null;
  dialect: string;
  stream: boolean;
  prompt_tokens: string;
  completion_tokens: string;
  cached_tokens: string;
  cache_write_tokens: string;
  reasoning_tokens: string;
  latency_ms: number;
  ttfb_ms: number | null;
  attempts: number;
  success: boolean;
  error_code: string | null;
  cost_amount: number | null;
  cost_currency: string | null;
}

/**
 * Usage records in a PostgreSQL table (its own, created and migrated on first use), shared by every
 * instance pointing at it. `write` only queues: records are inserted in batches (one INSERT per batch)
 * off the request path. When the database is slow or down the queue holds up to `maxQueue` records
 * and retries with backoff; past that, new records are dropped, counted in {@link dropped} and
 * warned about. A request is never delayed or failed by the ledger.
 *
 * `pg` is imported only by the `switchyard/stores/postgres` subpath.
 *
 * @example
 * ```ts
 * import { PostgresUsageSink } from 'switchyard/stores/postgres';
 * const sink = new PostgresUsageSink(process.env.DATABASE_URL!, { retentionMs: 90 * 86_400_000 });
 * attachUsageSink(manager, sink);
 * const byKey = await sink.aggregate({ groupBy: ['principal'], bucket: 'day' });
 * ```
 */
export class PostgresUsageSink implements UsageSink {
  readonly pool: pg.Pool;
  readonly names: TableNames;
  readonly #ownsPool: boolean;
  readonly #batchSize: number;
  readonly #maxQueue: number;
  readonly #retentionMs: number | undefined;
  readonly #closeTimeoutMs: number;
  readonly #logger: Logger;
  #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;
  #started: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pruneTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #retryAt = 0;
  #dropped = 0;
  #written = 0;
  #eager = false;
  #inFlight = 0;
  #closed = false;

  constructor(connection: pg.Pool | string, options: PostgresUsageSinkOptions = {}) {
    if (typeof connection === 'string') {
      this.pool = new pg.Pool({
        connectionString: connection,
        max: 2,
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
        query_timeout: 30_000,
      });
      // Idle clients die with the database; without a listener that would crash the host process.
      this.pool.on('error', () => {});
      this.#ownsPool = true;
    } else {
      this.pool = connection;
      this.#ownsPool = false;
    }
    this.names = tableNames(options.schema ?? 'public', options.table ?? 'switchyard_usage');
    this.#batchSize = Math.max(1, options.batchSize ?? 500);
    this.#maxQueue = Math.max(1, options.maxQueue ?? 10_000);
    this.#retentionMs = options.retentionMs;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.#logger = options.logger ?? silentLogger;
    this.#timer = setInterval(() => {
      if (Date.now() >= this.#retryAt) void this.flush();
    }, options.flushIntervalMs ?? 500);
    this.#timer.unref?.();
    if (this.#retentionMs !== undefined) {
      this.#pruneTimer = setInterval(() => void this.prune().catch(() => {}), HOUR);
      this.#pruneTimer.unref?.();
    }
  }

  /** Records dropped so far because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records not yet stored: queued, or in an INSERT under way. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Records stored so far by this sink. */
  get written(): number {
    return this.#written;
  }

  /** Creates or migrates the table (and prunes past retention). Called on first flush; call it to fail fast at boot. */
  start(): Promise<void> {
    this.#started ??= applyMigrations(this.pool, this.names, MIGRATIONS).then(
      async () => {
        if (this.#retentionMs !== undefined) await this.prune();
      },
      (err: unknown) => {
        this.#started = undefined;
        throw err;
      },
    );
    return this.#started;
  }

  write(record: UsageRecord): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#maxQueue) {
      this.#drop(1);
      return;
    }
    this.#queue.push({ uid: randomUUID(), record });
    if (this.#queue.length >= this.#batchSize && !this.#eager && !this.#flushing && Date.now() >= this.#retryAt) {
      // Off the caller's stack: the request that filled the batch returns first.
      this.#eager = true;
      setImmediate(() => {
        this.#eager = false;
        void this.flush();
      });
    }
  }

  /**
   * Inserts what is queued, a batch per INSERT, until the queue is empty or the database fails (the
   * records stay queued for the next try). Never rejects.
   */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#pruneTimer) clearInterval(this.#pruneTimer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#closeTimeoutMs);
    });
    await Promise.race([this.flush(), deadline]);
    clearTimeout(timer);
    this.#closed = true;
    if (this.#queue.length > 0) {
      this.#logger.warn({ table: this.names.table, lost: this.#queue.length }, 'usage records not stored at close');
    }
    if (this.#ownsPool) await this.pool.end().catch(() => {});
  }

  /** Deletes rows past `retentionMs`. */
  async prune(): Promise<void> {
    if (this.#retentionMs === undefined) return;
    await this.pool.query(`DELETE FROM ${this.names.qualified} WHERE ts < $1`, [
      new Date(Date.now() - this.#retentionMs),
    ]);
  }

  async aggregate(query: UsageAggregateQuery = {}): Promise<UsageAggregate[]> {
    checkAggregateQuery(query);
    await this.start();
    const where = whereClause(query);
    const keys: string[] = [];
    if (query.bucket) {
      const size = query.bucket === 'hour' ? HOUR : 24 * HOUR;
      keys.push(`(floor(extract(epoch FROM ts) * 1000 / ${size}) * ${size})::float8 AS bucket_start`);
    }
    for (const d of query.groupBy ?? []) {
      if (d === 'principal') keys.push('principal');
      else if (d === 'credential') keys.push('credential_id');
      else if (d === 'provider') keys.push('provider');
      else keys.push(`${MODEL} AS model`);
    }
    const groupBy = [...keys.map((_, i) => String(i + 1)), String(keys.length + 1)];
    const sql = `SELECT ${[...keys, 'cost_currency'].join(', ')},
        count(*)::float8 AS requests,
        (count(*) FILTER (WHERE NOT success))::float8 AS errors,
        sum(prompt_tokens)::float8 AS prompt_tokens,
        sum(completion_tokens)::float8 AS completion_tokens,
        sum(cached_tokens)::float8 AS cached_tokens,
        sum(cache_write_tokens)::float8 AS cache_write_tokens,
        sum(reasoning_tokens)::float8 AS reasoning_tokens,
        sum(cost_amount)::float8 AS cost
      FROM ${this.names.qualified} ${where.sql}
      GROUP BY ${groupBy.join(', ')}`;
    const { rows } = await this.pool.query<Record<string, unknown>>(sql, where.params);
    const groups = new Map<string, UsageAggregate>();
    for (const row of rows) {
      const k: Partial<UsageAggregate> = {};
      if (query.bucket) k.bucketStart = Number(row.bucket_start);
      for (const d of query.groupBy ?? []) {
        if (d === 'principal') k.principal = (row.principal as string | null) ?? null;
        else if (d === 'credential') k.credentialId = (row.credential_id as string | null) ?? null;
        else if (d === 'provider') k.provider = (row.provider as string | null) ?? null;
        else k.model = row.model as string;
      }
      const id = JSON.stringify(k);
      let group = groups.get(id);
      if (!group) {
        group = emptyAggregate(k);
        groups.set(id, group);
      }
      group.requests += Number(row.requests);
      group.errors += Number(row.errors);
      group.promptTokens += Number(row.prompt_tokens);
      group.completionTokens += Number(row.completion_tokens);
      group.cachedTokens += Number(row.cached_tokens);
      group.cacheWriteTokens += Number(row.cache_write_tokens);
      group.reasoningTokens += Number(row.reasoning_tokens);
      const currency = row.cost_currency as string | null;
      if (currency === null) group.unpriced += Number(row.requests);
      else group.cost[currency] = roundCost((group.cost[currency] ?? 0) + Number(row.cost));
    }
    const grouped = keys.length > 0;
    if (!grouped && groups.size === 0) return [emptyAggregate()];
    return sortAggregates([...groups.values()]);
  }

  async records(query: UsageRecordsQuery = {}): Promise<UsageRecordPage> {
    const limit = pageLimit(query.limit);
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    await this.start();
    const where = whereClause(query, before);
    where.params.push(limit + 1);
    const { rows } = await this.pool.query<UsageRow>(
      `SELECT ${SELECT_COLUMNS} FROM ${this.names.qualified} ${where.sql} ORDER BY id DESC LIMIT $${where.params.length}`,
      where.params,
    );
    const page = rows.slice(0, limit).map(rowToRecord);
    const last = page[page.length - 1];
    return rows.length > limit && last ? { records: page, nextCursor: encodeCursor(last.id) } : { records: page };
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#batchSize);
      this.#inFlight = batch.length;
      try {
        await this.start();
        await this.#insert(batch);
        this.#inFlight = 0;
        this.#written += batch.length;
        this.#failures = 0;
        this.#retryAt = 0;
      } catch (err) {
        this.#inFlight = 0;
        this.#requeue(batch);
        this.#failures += 1;
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.#failures - 1));
        this.#retryAt = Date.now() + delay;
        if (this.#failures === 1 || this.#failures % 10 === 0) {
          this.#logger.warn(
            { table: this.names.table, error: (err as Error).message, queued: this.#queue.length, retryInMs: delay },
            'usage records could not be stored; retrying',
          );
        }
        return;
      }
    }
  }

  async #insert(batch: readonly Queued[]): Promise<void> {
    const params: unknown[] = [];
    const rows: string[] = [];
    for (const { uid, record: r } of batch) {
      const base = params.length;
      params.push(
        uid,
        new Date(r.timestamp),
        r.requestId,
        r.principal ?? null,
        r.credentialId ?? null,
        r.provider ?? null,
        r.modelRequested,
        r.modelUsed ?? null,
        r.dialect,
        r.stream,
        r.promptTokens,
        r.completionTokens,
        r.cachedTokens,
        r.cacheWriteTokens,
        r.reasoningTokens,
        Math.round(r.latencyMs),
        r.ttfbMs === undefined ? null : Math.round(r.ttfbMs),
        r.attempts,
        r.success,
        r.errorCode ?? null,
        r.cost?.amount ?? null,
        r.cost?.currency ?? null,
      );
      rows.push(`(${INSERT_COLUMNS.map((_, i) => `$${base + i + 1}`).join(', ')})`);
    }
    await this.pool.query(
      // A batch whose answer was lost with its connection may have committed: retrying it must not
      // store its records twice.
      `INSERT INTO ${this.names.qualified} (${INSERT_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}
       ON CONFLICT (uid) DO NOTHING`,
      params,
    );
  }

  /** Puts a failed batch back at the head of the queue, as far as room allows; the rest is dropped. */
  #requeue(batch: Queued[]): void {
    const room = Math.max(0, this.#maxQueue - this.#queue.length);
    const kept = batch.length <= room ? batch : batch.slice(batch.length - room);
    if (kept.length < batch.length) this.#drop(batch.length - kept.length);
    this.#queue = kept.concat(this.#queue);
  }

  #drop(count: number): void {
    const before = this.#dropped;
    this.#dropped += count;
    // Warn on the first drop and then at each power of ten, not once per record.
    if (before === 0 || Math.floor(Math.log10(this.#dropped)) > Math.floor(Math.log10(Math.max(1, before)))) {
      this.#logger.warn(
        { table: this.names.table, dropped: this.#dropped, maxQueue: this.#maxQueue },
        'usage queue full (database slow or down): records dropped',
      );
    }
  }
}

function whereClause(filter: UsageFilter, beforeId?: bigint): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.from !== undefined) add('ts >= ?', new Date(filter.from));
  if (filter.to !== undefined) add('ts < ?', new Date(filter.to));
  if (filter.principal !== undefined) add('principal = ?', filter.principal);
  if (filter.credentialId !== undefined) add('credential_id = ?', filter.credentialId);
  if (filter.provider !== undefined) add('provider = ?', filter.provider);
  if (filter.model !== undefined) add(`${MODEL} = ?`, filter.model);
  if (beforeId !== undefined) add('id < ?', beforeId.toString());
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

function rowToRecord(row: UsageRow): StoredUsageRecord {
  const record: StoredUsageRecord = {
    id: row.id,
    timestamp: Number(row.ts_ms),
    requestId: row.request_id,
    modelRequested: row.model_requested,
    dialect: row.dialect as Dialect,
    stream: row.stream,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    cachedTokens: Number(row.cached_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    latencyMs: row.latency_ms,
    attempts: row.attempts,
    success: row.success,
  };
  if (row.credential_id !== null) record.credentialId = row.credential_id;
  if (row.provider !== null) record.provider = row.provider;
  if (row.model_used !== null) record.modelUsed = row.model_used;
  if (row.ttfb_ms !== null) record.ttfbMs = row.ttfb_ms;
  if (row.error_code !== null) record.errorCode = row.error_code;
  if (row.principal !== null) record.principal = row.principal;
  if (row.cost_amount !== null && row.cost_currency !== null) {
    record.cost = { amount: row.cost_amount, currency: row.cost_currency };
  }
  return record;
}
