import { ConfigError } from '../../../core/errors.js';
import { RedisStateStore, type RedisStateStoreOptions } from './redis-state-store.js';

/**
 * A {@link RedisStateStore} on `REDIS_URL` (e.g. `redis://:password@cache:6379/0`).
 *
 * @example
 * ```ts
 * import { fromEnv } from 'switchyard/stores/redis';
 * const state = fromEnv({ prefix: 'gw:' });
 * ```
 */
export function fromEnv(options: RedisStateStoreOptions = {}, env: NodeJS.ProcessEnv = process.env): RedisStateStore {
  const url = env.REDIS_URL;
  if (!url) throw new ConfigError('REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');
  return new RedisStateStore(url, options);
}
