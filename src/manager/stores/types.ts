import type { Awaitable } from '../../core/awaitable.js';
import type { Credential } from '../../core/credential.js';

/** A change in a {@link TokenStore}, made by this process, another process, or by hand. */
export type TokenStoreEvent =
  | { type: 'upsert'; credential: Credential }
  | { type: 'delete'; id: string }
  /** A record exists but could not be read (corrupt, half-written, undecryptable). It is skipped, never deleted. */
  | { type: 'error'; id: string; error: Error };

/** Options of {@link TokenStore.save}. */
export interface SaveOptions {
  /**
   * Optimistic concurrency: the `version` the caller read. When the stored record has another
   * version the save is refused with a {@link ConflictError}. Omit to overwrite unconditionally.
   */
  expectedVersion?: number;
}

/**
 * Where credentials live at rest. The Manager loads them with `list()` and follows `watch()`.
 * Implementations: {@link MemoryTokenStore}, {@link FileTokenStore}; `switchyard/stores/postgres`.
 * Test your own with the contract suite exported from `switchyard/testing`.
 */
export interface TokenStore {
  /** All readable credentials. Unreadable records are skipped (and reported through `watch` as `error`). */
  list(): Promise<Credential[]>;
  get(id: string): Promise<Credential | undefined>;
  /** Saves and returns the stored credential with its new `version`. */
  save(credential: Credential, options?: SaveOptions): Promise<Credential>;
  delete(id: string): Promise<void>;
  /** Calls `listener` on every change until the returned function is called. */
  watch?(listener: (event: TokenStoreEvent) => void): () => void;
  /** Releases watchers, connections and timers. */
  close?(): Awaitable<void>;
}
