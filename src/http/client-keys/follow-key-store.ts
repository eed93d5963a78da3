import type { Logger } from '../../core/logger.js';
import { ClientKeys } from '../client-auth.js';
import type { ClientKeyStore } from './types.js';

/** The keys of a followed store: at hand when no load is in flight, else the load to wait for. */
export interface FollowedKeys {
  loaded(): ClientKeys | undefined;
  keys(): Promise<ClientKeys>;
}

/** The keys of a {@link ClientKeyStore}, loaded on first use and reloaded when the store reports a change. */
export function followKeyStore(store: ClientKeyStore | undefined, logger: Logger | undefined): FollowedKeys {
  const none = new ClientKeys();
  if (!store) return { loaded: () => none, keys: async () => none };
  let current = none;
  let loading: Promise<ClientKeys> | undefined;
  let settled = false;
  const load = () => {
    settled = false;
    const attempt = Promise.resolve(store.list()).then(
      (records) => {
        current = new ClientKeys([], [], records);
        if (loading === attempt) settled = true;
        return current;
      },
      (err: unknown) => {
        // The keys loaded before stay in force; keys added since are not accepted until a load succeeds.
        logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'client key store failed to load');
        if (loading === attempt) loading = undefined;
        return current;
      },
    );
    loading = attempt;
    return attempt;
  };
  store.watch?.(() => void load());
  return {
    // Without a load in flight the keys are at hand: no await on the request path.
    loaded: () => (settled ? current : undefined),
    keys: () => loading ?? load(),
  };
}
