import type { Pool } from 'pg';
import { applyMigrations, type Migration } from './apply-migrations.js';
import { quoteIdentifier, type TableNames } from './sql-identifiers.js';

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
 * Creates the schema, the table and its trigger, and applies the migrations not yet recorded (see
 * {@link applyMigrations}: one transaction, serialised across instances starting together).
 *
 * @returns the versions applied by this call (empty when the table was up to date).
 */
export function migrateTokenTable(pool: Pool, names: TableNames): Promise<number[]> {
  return applyMigrations(pool, names, MIGRATIONS);
}
