import pg from 'pg';
import type { Credential } from '../../../core/credential.js';
import { ConflictError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { silentLogger } from '../../../core/logger.js';
import type { SaveOptions, TokenStore, TokenStoreEvent } from '../types.js';
import { ChangeListener, type ReconnectOptions } from './change-listener.js';
import { credentialToData, rowToCredential, type TokenRow } from './credential-row.js';
import { migrateTokenTable } from './migrate-token-table.js';
import { SecretBox } from './secret-box.js';
import { type TableNames, tableNames } from './sql-identifiers.js';

/** Options of {@link PostgresTokenStore}. */
export interface PostgresTokenStoreOptions {
  /** Schema of the table, created when missing. Default `public`. */
  schema?: string;
  /** Table name. Default `switchyard_tokens`. */
  table?: string;
  /**
   * Encrypts `apiKey` and the OAuth tokens at rest with AES-256-GCM. 64 hex digits are used as the key;
   * any other string is a passphrase (stretched with scrypt). Default: `SWITCHYARD_SECRET_KEY`, else no
   * encryption. Records encrypted with a key we do not hold are reported as `error` events and skipped.
   */
  secretKey?: string;
  /** Older keys that still decrypt; records they open are re-encrypted with `secretKey` on read. */
  previousKeys?: readonly string[];
  /** Backoff of the LISTEN connection's reconnects. */
  reconnect?: ReconnectOptions;
  /** Where connection losses and re-encryptions are reported. Default: silent. */
  logger?: Logger;
}

const COLUMNS = 'auth_id, provider, data, version::text AS version, updated_at::text AS stamp';

/**
 * Credentials in a PostgreSQL table, shared by every instance pointing at it. The table (`auth_id`,
 * `provider`, `data jsonb`, `version`, timestamps) is created and migrated on first use, safely when
 * several instances start together. Saves are versioned: a save with a stale `expectedVersion` is
 * refused with a {@link ConflictError}. Changes made by other instances (or by hand) arrive through
 * LISTEN/NOTIFY, with no polling; after a lost connection the listener reconnects and catches up on
 * what it missed. Secrets can be encrypted at rest, with key rotation.
 *
 * Holds one pooled connection for LISTEN while anything watches. `pg` is imported only by this subpath.
 *
 * @example
 * ```ts
 * import { PostgresTokenStore } from 'switchyard/stores/postgres';
 * const store = new PostgresTokenStore(process.env.DATABASE_URL!, { secretKey: process.env.SWITCHYARD_SECRET_KEY });
 * const manager = new Manager({ store, state, executors });
 * await store.save({ id: 'openai-2', provider: 'openai', apiKey }); // every instance serves it within moments
 * ```
 */
export class PostgresTokenStore implements TokenStore {
  readonly pool: pg.Pool;
  readonly names: TableNames;
  readonly #ownsPool: boolean;
  readonly #box: SecretBox | undefined;
  readonly #logger: Logger;
  readonly #listener: ChangeListener;
  readonly #listeners = new Set<(event: TokenStoreEvent) => void>();
  /** id → `version@updated_at` of what listeners were last told, to drop echoes and find what changed. */
  readonly #known = new Map<string, string>();
  readonly #pending = new Set<string>();
  #draining: Promise<void> | undefined;
  #started: Promise<void> | undefined;
  #closed = false;

  constructor(connection: pg.Pool | string, options: PostgresTokenStoreOptions = {}) {
    if (typeof connection === 'string') {
      this.pool = new pg.Pool({ connectionString: connection, keepAlive: true });
      // Idle clients die with the database; without a listener that would crash the host process.
      this.pool.on('error', () => {});
      this.#ownsPool = true;
    } else {
      this.pool = connection;
      this.#ownsPool = false;
    }
    this.names = tableNames(options.schema ?? 'public', options.table ?? 'switchyard_tokens');
    const secretKey = options.secretKey ?? process.env.SWITCHYARD_SECRET_KEY;
    this.#box = secretKey ? new SecretBox(secretKey, options.previousKeys) : undefined;
    this.#logger = options.logger ?? silentLogger;
    this.#listener = new ChangeListener(
      this.pool,
      this.names.channel,
      {
        onChange: (id) => this.#enqueue(id),
        onReconnect: () => this.#resync(),
        onError: (error) =>
          this.#logger.warn({ table: this.names.table, error: error.message }, 'token store listener disconnected'),
      },
      options.reconnect,
    );
  }

  /** Creates or migrates the table. Called by every method on first use; call it to fail fast at boot. */
  start(): Promise<void> {
    this.#started ??= migrateTokenTable(this.pool, this.names).then(
      () => {},
      (err: unknown) => {
        this.#started = undefined;
        throw err;
      },
    );
    return this.#started;
  }

  async list(): Promise<Credential[]> {
    await this.start();
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT ${COLUMNS} FROM ${this.names.qualified} ORDER BY created_at, auth_id`,
    );
    const out: Credential[] = [];
    for (const row of rows) {
      const credential = this.#decode(row);
      if (!credential) continue;
      this.#known.set(row.auth_id, stampOf(row));
      out.push(credential);
    }
    return out;
  }

  async get(id: string): Promise<Credential | undefined> {
    await this.start();
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT ${COLUMNS} FROM ${this.names.qualified} WHERE auth_id = $1`,
      [id],
    );
    const row = rows[0];
    return row && this.#decode(row);
  }

  async save(credential: Credential, options: SaveOptions = {}): Promise<Credential> {
    await this.start();
    const data = credentialToData(credential, this.#box);
    const table = this.names.qualified;
    const expected = options.expectedVersion;
    let result: pg.QueryResult<{ version: string; stamp: string }>;
    if (expected === undefined) {
      result = await this.pool.query(
        `INSERT INTO ${table} AS t (auth_id, provider, data) VALUES ($1, $2, $3)
         ON CONFLICT (auth_id) DO UPDATE
           SET provider = EXCLUDED.provider, data = EXCLUDED.data, version = t.version + 1, updated_at = now()
         RETURNING version::text AS version, updated_at::text AS stamp`,
        [credential.id, credential.provider, data],
      );
    } else if (expected === 0) {
      // "Expected not to exist": insert only.
      result = await this.pool.query(
        `INSERT INTO ${table} (auth_id, provider, data) VALUES ($1, $2, $3) ON CONFLICT (auth_id) DO NOTHING
         RETURNING version::text AS version, updated_at::text AS stamp`,
        [credential.id, credential.provider, data],
      );
    } else {
      result = await this.pool.query(
        `UPDATE ${table} SET provider = $2, data = $3, version = version + 1, updated_at = now()
         WHERE auth_id = $1 AND version = $4
         RETURNING version::text AS version, updated_at::text AS stamp`,
        [credential.id, credential.provider, data, expected],
      );
    }
    const row = result.rows[0];
    if (!row) {
      throw new ConflictError(`Credential ${credential.id} changed since it was read (expected version ${expected})`, {
        credentialId: credential.id,
      });
    }
    const saved: Credential = { ...structuredClone(credential), version: Number(row.version) };
    const stamp = `${row.version}@${row.stamp}`;
    if (this.#known.get(saved.id) !== stamp) {
      this.#known.set(saved.id, stamp);
      this.#emit({ type: 'upsert', credential: structuredClone(saved) });
    }
    return saved;
  }

  async delete(id: string): Promise<void> {
    await this.start();
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.names.qualified} WHERE auth_id = $1`, [id]);
    if (!rowCount) return;
    this.#known.delete(id);
    this.#emit({ type: 'delete', id });
  }

  /** Follows changes from every instance. The first watcher opens the LISTEN connection. */
  watch(listener: (event: TokenStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#closed) void this.listening().catch(() => {});
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once the LISTEN connection is in place (after migrating). Useful in tests and at boot. */
  async listening(): Promise<void> {
    await this.start();
    if (!this.#closed) await this.#listener.start();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#listener.stop();
    await this.#draining?.catch(() => {});
    if (this.#ownsPool) await this.pool.end();
  }

  /** Decodes a row; an unreadable one is reported to watchers and skipped. Re-seals stale encryption. */
  #decode(row: TokenRow): Credential | undefined {
    try {
      const { credential, reseal } = rowToCredential(row, this.#box);
      if (reseal) void this.#reseal(row, credential);
      return credential;
    } catch (err) {
      const error = new Error(`Skipped unreadable credential ${row.auth_id}: ${(err as Error).message}`);
      this.#emit({ type: 'error', id: row.auth_id, error });
      return undefined;
    }
  }

  /**
   * Rewrites the row's `data` with the current key, keeping version and `updated_at`: the credential did
   * not change, so nobody's optimistic check should fail and no watcher needs to hear about it.
   */
  async #reseal(row: TokenRow, credential: Credential): Promise<void> {
    try {
      await this.pool.query(
        `UPDATE ${this.names.qualified} SET data = $2 WHERE auth_id = $1 AND version = $3 AND updated_at = $4::timestamptz`,
        [row.auth_id, credentialToData(credential, this.#box), row.version, row.stamp],
      );
      this.#logger.info({ credentialId: row.auth_id }, 'credential re-encrypted with the current key');
    } catch (err) {
      this.#logger.warn({ credentialId: row.auth_id, error: (err as Error).message }, 're-encryption failed');
    }
  }

  #enqueue(id: string): void {
    this.#pending.add(id);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#pending.size > 0 && !this.#closed) this.#enqueue([...this.#pending][0]!);
    });
  }

  /** Re-reads every row named by notifications, in batches, one batch at a time so reads stay in order. */
  async #drain(): Promise<void> {
    while (this.#pending.size > 0 && !this.#closed) {
      const ids = [...this.#pending];
      this.#pending.clear();
      let rows: TokenRow[];
      try {
        ({ rows } = await this.pool.query<TokenRow>(
          `SELECT ${COLUMNS} FROM ${this.names.qualified} WHERE auth_id = ANY($1)`,
          [ids],
        ));
      } catch (err) {
        // The database is away; the reconnect's resync covers these rows.
        this.#logger.warn({ error: (err as Error).message }, 'reading changed credentials failed');
        return;
      }
      const found = new Map(rows.map((r) => [r.auth_id, r]));
      for (const id of ids) this.#apply(id, found.get(id));
    }
  }

  #apply(id: string, row: TokenRow | undefined): void {
    if (!row) {
      if (this.#known.delete(id)) this.#emit({ type: 'delete', id });
      return;
    }
    const stamp = stampOf(row);
    if (this.#known.get(id) === stamp) return;
    const credential = this.#decode(row);
    if (!credential) return;
    this.#known.set(id, stamp);
    this.#emit({ type: 'upsert', credential });
  }

  /** After a reconnect: compare the whole table with what watchers know and emit the differences. */
  async #resync(): Promise<void> {
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT ${COLUMNS} FROM ${this.names.qualified} ORDER BY created_at, auth_id`,
    );
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.auth_id);
      this.#apply(row.auth_id, row);
    }
    for (const id of [...this.#known.keys()]) if (!seen.has(id)) this.#apply(id, undefined);
    this.#logger.info({ table: this.names.table, rows: rows.length }, 'token store listener resynchronised');
  }

  #emit(event: TokenStoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the store keeps going.
      }
    }
  }
}

function stampOf(row: TokenRow): string {
  return `${row.version}@${row.stamp}`;
}
