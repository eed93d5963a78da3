import { createHash } from 'node:crypto';

const SAFE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * Refuses schema and table names we would have to quote creatively. Derived names (index, trigger,
 * migrations table) append to them, so they stay well under PostgreSQL's 63-byte limit.
 */
export function checkIdentifier(value: string, what: string): string {
  if (!SAFE_IDENTIFIER.test(value)) {
    throw new Error(`PostgresTokenStore: ${what} '${value}' must match ${SAFE_IDENTIFIER} (letters, digits, _)`);
  }
  return value;
}

/** Double-quotes an identifier already checked by {@link checkIdentifier}. */
export function quoteIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** The names one store works with, derived once from its schema and table. */
export interface TableNames {
  schema: string;
  table: string;
  /** `"schema"."table"`, ready for SQL. */
  qualified: string;
  /** `"schema"."table_migrations"`. */
  migrations: string;
  /** NOTIFY channel: short and stable, so every instance of the same table listens on the same one. */
  channel: string;
}

export function tableNames(schema: string, table: string): TableNames {
  checkIdentifier(schema, 'schema');
  checkIdentifier(table, 'table');
  const digest = createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 24);
  return {
    schema,
    table,
    qualified: `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
    migrations: `${quoteIdentifier(schema)}.${quoteIdentifier(`${table}_migrations`)}`,
    channel: `switchyard_${digest}`,
  };
}
