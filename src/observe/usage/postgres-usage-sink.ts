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
  {
    // A retried batch is recognised by one row per batch instead of a unique index over every record's
    // uid: that index cost the database more than the rest of the insert.
    version: 2,
    statements: ({ qualified, table }) => [
      `CREATE TABLE IF NOT EXISTS ${batchesTable(qualified, table)} (
        uid uuid PRIMARY KEY,
        ts timestamptz NOT NULL DEFAULT now()
      )`,
      `ALTER TABLE ${qualified} DROP CONSTRAINT IF EXISTS ${quoteIdentifier(`${table}_uid_key`)}`,
      `ALTER TABLE ${qualified} ALTER COLUMN uid DROP NOT NULL`,
    ],
  },
];

/** The stored columns with the PostgreSQL array type each is sent as (one array per column per batch). */
const INSERT_COLUMNS = [
  ['ts', 'timestamptz'],
  ['request_id', 'text'],
  ['principal', 'text'],
  ['credential_id', 'text'],
  ['provider', 'text'],
  ['model_requested', 'text'],
  ['model_used', 'text'],
  ['dialect', 'text'],
  ['stream', 'bool'],
  ['prompt_tokens', 'int8'],
  ['completion_tokens', 'int8'],
  ['cached_tokens', 'int8'],
  ['cache_write_tokens', 'int8'],
  ['reasoning_tokens', 'int8'],
  ['latency_ms', 'int4'],
  ['ttfb_ms', 'int4'],
  ['attempts', 'int4'],
  ['success', 'bool'],
  ['error_code', 'text'],
  ['cost_amount', 'float8'],
  ['cost_currency', 'text'],
] as const;

/** Values of one column for a batch, in {@link INSERT_COLUMNS} order. */
function columnValues(r: UsageRecord): unknown[] {
  return [
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
  ];
}

function batchesTable(qualified: string, table: string): string {
  return `${qualified.slice(0, qualified.lastIndexOf('.'))}.${quoteIdentifier(`${table}_batches`)}`;
}

const SELECT_COLUMNS = `id::text AS id, (extract(epoch FROM ts) * 1000)::float8 AS ts_ms, ${INSERT_COLUMNS.slice(1)
  .map(([name]) => name)
  .join(', ')}`;

const MODEL = 'coalesce(model_used, model_requested)';
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
const HOUR = 3_600_000;

/** A batch that failed, kept with the id that makes inserting it again a no-op if it did commit. */
interface RetryBatch {
  uid: string;
  records: UsageRecord[];
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
  #queue: UsageRecord[] = [];
  #retry: RetryBatch | undefined;
  readonly #insertSql: string;
  readonly #insertName: string;
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
    const columns = INSERT_COLUMNS.map(([name]) => name).join(', ');
    const arrays = INSERT_COLUMNS.map(([, type], i) => `$${i + 2}::${type}[]`).join(', ');
    // One statement per batch, prepared once per connection: the batch's id goes into the batches
    // table, and the records are inserted only when that id was new (a retry of a batch that did
    // commit stores nothing twice). unnest() takes one array per column, so the statement has 22
    // parameters whatever the batch size.
    this.#insertSql = `WITH batch AS (
        INSERT INTO ${batchesTable(this.names.qualified, this.names.table)} (uid) VALUES ($1)
        ON CONFLICT DO NOTHING RETURNING 1
      )
      INSERT INTO ${this.names.qualified} (${columns})
      SELECT * FROM unnest(${arrays}) WHERE EXISTS (SELECT 1 FROM batch)`;
    this.#insertName = `${this.names.channel}_usage_insert`;
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
    return this.#queue.length + (this.#retry?.records.length ?? 0) + this.#inFlight;
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
    if (this.#queue.length + (this.#retry?.records.length ?? 0) >= this.#maxQueue) {
      this.#drop(1);
      return;
    }
    this.#queue.push(record);
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
    const lost = this.#queue.length + (this.#retry?.records.length ?? 0);
    if (lost > 0) {
      this.#logger.warn({ table: this.names.table, lost }, 'usage records not stored at close');
    }
    if (this.#ownsPool) await this.pool.end().catch(() => {});
  }

  /** Deletes rows past `retentionMs`. */
  async prune(): Promise<void> {
    if (this.#retentionMs === undefined) return;
    const before = new Date(Date.now() - this.#retentionMs);
    await this.pool.query(`DELETE FROM ${this.names.qualified} WHERE ts < $1`, [before]);
    // A batch id is only needed while its batch may still be retried (seconds); a day is plenty.
    await this.pool.query(`DELETE FROM ${batchesTable(this.names.qualified, this.names.table)} WHERE ts < $1`, [
      new Date(Math.min(before.getTime(), Date.now() - 24 * HOUR)),
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
    while (this.#retry || this.#queue.length > 0) {
      const batch = this.#retry ?? { uid: randomUUID(), records: this.#queue.splice(0, this.#batchSize) };
      this.#retry = undefined;
      this.#inFlight = batch.records.length;
      try {
        await this.start();
        await this.#insert(batch);
        this.#inFlight = 0;
        this.#written += batch.records.length;
        this.#failures = 0;
        this.#retryAt = 0;
      } catch (err) {
        this.#inFlight = 0;
        this.#keepForRetry(batch);
        this.#failures += 1;
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.#failures - 1));
        this.#retryAt = Date.now() + delay;
        if (this.#failures === 1 || this.#failures % 10 === 0) {
          this.#logger.warn(
            { table: this.names.table, error: (err as Error).message, queued: this.pending, retryInMs: delay },
            'usage records could not be stored; retrying',
          );
        }
        return;
      }
    }
  }

  async #insert(batch: RetryBatch): Promise<void> {
    const columns: unknown[][] = INSERT_COLUMNS.map(() => new Array(batch.records.length));
    batch.records.forEach((record, row) => {
      const values = columnValues(record);
      for (let c = 0; c < values.length; c++) columns[c]![row] = values[c];
    });
    await this.pool.query({ name: this.#insertName, text: this.#insertSql, values: [batch.uid, ...columns] });
  }

  /**
   * Keeps a failed batch, under its id, for the next try, as far as the queue's room allows (the
   * oldest records are dropped first). A part of a batch that did commit is still recognised by its id.
   */
  #keepForRetry(batch: RetryBatch): void {
    const room = Math.max(0, this.#maxQueue - this.#queue.length);
    const kept = batch.records.length <= room ? batch.records : batch.records.slice(batch.records.length - room);
    if (kept.length < batch.records.length) this.#drop(batch.records.length - kept.length);
    if (kept.length > 0) this.#retry = { uid: batch.uid, records: kept };
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
