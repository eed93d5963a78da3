/** @module switchyard/stores/postgres */

export {
  PostgresClientKeyStore,
  type PostgresClientKeyStoreOptions,
} from '../../../http/client-keys/postgres-client-key-store.js';
export { PostgresUsageSink, type PostgresUsageSinkOptions } from '../../../observe/usage/postgres-usage-sink.js';
export type { ReconnectOptions } from './change-listener.js';
export { fromEnv } from './from-env.js';
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './postgres-token-store.js';
export type { TableNames } from './sql-identifiers.js';
