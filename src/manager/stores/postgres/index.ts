/** @module switchyard/stores/postgres */

export { PostgresUsageSink, type PostgresUsageSinkOptions } from '../../../observe/usage/postgres-usage-sink.js';
export type { ReconnectOptions } from './change-listener.js';
export { fromEnv } from './from-env.js';
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './postgres-token-store.js';
export type { TableNames } from './sql-identifiers.js';
