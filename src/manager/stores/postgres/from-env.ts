import { ConfigError } from '../../../core/errors.js';
import { PostgresTokenStore, type PostgresTokenStoreOptions } from './postgres-token-store.js';

/**
 * A {@link PostgresTokenStore} configured from the environment: `PGSTORE_DSN` (required),
 * `PGSTORE_SCHEMA`, `PGSTORE_TABLE`, and `SWITCHYARD_SECRET_KEY` for encryption at rest.
 * Explicit `options` win over the environment.
 *
 * @example
 * ```ts
 * import { fromEnv } from 'switchyard/stores/postgres';
 * const store = fromEnv(); // PGSTORE_DSN=postgres://app@db/switchyard
 * ```
 */
export function fromEnv(
  options: PostgresTokenStoreOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): PostgresTokenStore {
  const dsn = env.PGSTORE_DSN;
  if (!dsn) throw new ConfigError('PGSTORE_DSN is not set (a PostgreSQL connection string)');
  return new PostgresTokenStore(dsn, {
    ...(env.PGSTORE_SCHEMA ? { schema: env.PGSTORE_SCHEMA } : {}),
    ...(env.PGSTORE_TABLE ? { table: env.PGSTORE_TABLE } : {}),
    ...(env.SWITCHYARD_SECRET_KEY ? { secretKey: env.SWITCHYARD_SECRET_KEY } : {}),
    ...options,
  });
}
