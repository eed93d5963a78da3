import type { Pool } from 'pg';
import { quoteIdentifier, type TableNames } from './sql-identifiers.js';

/** One schema change. Versions only grow; a released migration is never edited, only followed by another. */
export interface Migration {
  version: number;
  statements(names: TableNames): string[];
}

/**
 * Creates the schema and the `<table>_migrations` table, and applies the migrations not yet recorded,
 * in one transaction. A transaction-scoped advisory lock per schema serialises instances that start at
 * the same moment: the second waits, then finds everything applied. (Even `CREATE SCHEMA IF NOT EXISTS`
 * can fail with a unique violation when two sessions race it, hence the lock before anything else.)
 *
 * @returns the versions applied by this call (empty when the table was up to date).
 */
export async function applyMigrations(
  pool: Pool,
  names: TableNames,
  migrations: readonly Migration[],
): Promise<number[]> {
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
    for (const migration of migrations) {
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
