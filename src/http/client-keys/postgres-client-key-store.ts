import pg from 'pg';
import { applyMigrations, type Migration } from '../../manager/stores/postgres/apply-migrations.js';
import { ChangeListener } from '../../manager/stores/postgres/change-listener.js';
import { type TableNames, tableNames } from '../../manager/stores/postgres/sql-identifiers.js';
import type { ClientKeyRecord, ClientKeyStore } from './types.js';

/** Options of {@link PostgresClientKeyStore}. */
export interface PostgresClientKeyStoreOptions {
  /** Default `public`. */
  schema?: string;
  /** Default `switchyard_client_keys`. */
  table?: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (n) => [
      `CREATE TABLE IF NOT EXISTS ${n.qualified} (
        id text PRIMARY KEY,
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
];

/**
 * Client keys in a PostgreSQL table (digests only, one JSON row per key), so every instance on the same
 * database accepts a key created on any of them: a write sends a NOTIFY, and `watch` listeners hear it
 * (and a resynchronisation after a lost connection). The table is created and migrated on first use.
 */
export class PostgresClientKeyStore implements ClientKeyStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #names: TableNames;
  #ready: Promise<void> | undefined;
  #listener: ChangeListener | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(connection: pg.Pool | string, options: PostgresClientKeyStoreOptions = {}) {
    this.#names = tableNames(options.schema ?? 'public', options.table ?? 'switchyard_client_keys');
    if (typeof connection === 'string') {
      this.#pool = new pg.Pool({
        connectionString: connection,
        max: 2,
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
      });
      // Idle clients die with the database; without a listener that would crash the host process.
      this.#pool.on('error', () => {});
      this.#ownsPool = true;
    } else {
      this.#pool = connection;
      this.#ownsPool = false;
    }
  }

  async list(): Promise<ClientKeyRecord[]> {
    await this.#migrated();
    const { rows } = await this.#pool.query<{ data: ClientKeyRecord }>(
      `SELECT data FROM ${this.#names.qualified} ORDER BY id`,
    );
    return rows.map((r) => r.data);
  }

  async save(record: ClientKeyRecord): Promise<ClientKeyRecord> {
    await this.#migrated();
    await this.#pool.query(
      `INSERT INTO ${this.#names.qualified} (id, data) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
      [record.id, JSON.stringify(record)],
    );
    await this.#notify(record.id);
    return record;
  }

  async delete(id: string): Promise<boolean> {
    await this.#migrated();
    const { rowCount } = await this.#pool.query(`DELETE FROM ${this.#names.qualified} WHERE id = $1`, [id]);
    if (rowCount) await this.#notify(id);
    return (rowCount ?? 0) > 0;
  }

  watch(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (!this.#listener) {
      const changed = () => {
        for (const l of this.#listeners) l();
      };
      this.#listener = new ChangeListener(this.#pool, this.#names.channel, {
        onChange: changed,
        onReconnect: async () => changed(),
        onError: () => {},
      });
      void this.#listener.start();
    }
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Resolves once `watch` listeners hear changes (tests, and hosts that must not miss the first one). */
  async listening(): Promise<void> {
    await this.#listener?.start();
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#listener?.stop();
    if (this.#ownsPool) await this.#pool.end();
  }

  #migrated(): Promise<void> {
    this.#ready ??= applyMigrations(this.#pool, this.#names, MIGRATIONS).then(
      () => undefined,
      (err: unknown) => {
        this.#ready = undefined;
        throw err;
      },
    );
    return this.#ready;
  }

  async #notify(id: string): Promise<void> {
    await this.#pool.query('SELECT pg_notify($1, $2)', [this.#names.channel, JSON.stringify({ id })]);
  }
}
