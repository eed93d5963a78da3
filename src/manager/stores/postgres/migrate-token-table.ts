import type { Pool } from 'pg';
import { quoteIdentifier, type TableNames } from './sql-identifiers.js';

/** One schema change. Versions only grow; a released migration is never edited, only followed by another. */
interface Migration {
  version: number;
  statements(names: TableNames): string[];
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: ({ qualified, table }) => [
      `CREATE TABLE IF NOT EXISTS ${qualified} (
        auth_id text PRIMARY KEY,
        provider text NOT NULL,
        data jsonb NOT NULL,
        version bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_updated_at_idx`)} ON ${qualified} (updated_at)`,
    ],
  },
  {
    // A trigger rather than a NOTIFY in our own statements, so rows changed by hand (psql, another tool)
    // reach the watchers too. The notification is delivered on commit, never for a rolled-back change.
    version: 2,
    statements: ({ schema, table, qualified, channel }) => {
      const fn = `${quoteIdentifier(schema)}.${quoteIdentifier(`${table}_notify`)}`;
      const trigger = quoteIdentifier(`${table}_notify`);
      return [
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            PERFORM pg_notify(TG_ARGV[0], json_build_object('id', OLD.auth_id, 'op', 'delete')::text);
            RETURN OLD;
          END IF;
          PERFORM pg_notify(TG_ARGV[0],
            json_build_object('id', NEW.auth_id, 'op', lower(TG_OP), 'version', NEW.version)::text);
          RETURN NEW;
        END
        $fn$`,
        `DROP TRIGGER IF EXISTS ${trigger} ON ${qualified}`,
        `CREATE TRIGGER ${trigger} AFTER INSERT OR UPDATE OR DELETE ON ${qualified}
          FOR EACH ROW EXECUTE FUNCTION ${fn}('${channel}')`,
      ];
    },
  },
];

/** The newest schema version this code knows. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Creates the schema, the table and its trigger, and applies the migrations not yet recorded, in one
 * transaction. A transaction-scoped advisory lock per schema serialises instances that start at the same
 * moment: the second waits, then finds everything applied. (Even `CREATE SCHEMA IF NOT EXISTS` can fail
 * with a unique violation when two sessions race it, hence the lock before anything else.)
 *
 * @returns the versions applied by this call (empty when the table was up to date).
 */
export async function migrateTokenTable(pool: Pool, names: TableNames): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['switchyard', names.schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(names.schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.migrations} (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${names.migrations}`);
    const have = new Set(done.rows.map((r) => Number(r.version)));
    for (const migration of MIGRATIONS) {
      if (have.has(migration.version)) continue;
      for (const sql of migration.statements(names)) await client.query(sql);
      await client.query(`INSERT INTO ${names.migrations} (version) VALUES ($1)`, [migration.version]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    client.release();
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}
