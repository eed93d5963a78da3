/** @module switchyard/stores/redis */
export { fromEnv } from './from-env.js';
export { RedisStateStore, type RedisStateStoreOptions } from './redis-state-store.js';
