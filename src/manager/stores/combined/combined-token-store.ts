import type { Credential } from '../../../core/credential.js';
import type { SaveOptions, TokenStore, TokenStoreEvent } from '../types.js';

/** Options of {@link CombinedTokenStore}. */
export interface CombinedTokenStoreOptions {
  /** Where new credentials are saved (the first store when absent). */
  writeTo?: TokenStore;
  /** Applied to every credential read from the stores (e.g. config-wide model aliases). */
  decorate?: (credential: Credential) => Credential;
}

/**
 * Several token stores seen as one: `list()` concatenates them (earlier stores win on an id clash),
 * `watch()` follows them all, and `save()`/`delete()` go to the store that holds the id. The CLI uses it
 * to serve the credentials of the config file next to those of the auth directory.
 *
 * @example
 * ```ts
 * const store = new CombinedTokenStore([new MemoryTokenStore(fromConfig), new FileTokenStore({ dir: './auths' })]);
 * ```
 */
export class CombinedTokenStore implements TokenStore {
  readonly stores: readonly TokenStore[];
  readonly #writeTo: TokenStore;
  readonly #decorate: (credential: Credential) => Credential;
  /** id → the store that holds it, learnt from list, get and events. */
  readonly #owner = new Map<string, TokenStore>();

  constructor(stores: readonly TokenStore[], options: CombinedTokenStoreOptions = {}) {
    if (stores.length === 0) throw new TypeError('CombinedTokenStore needs at least one store');
    this.stores = stores;
    this.#writeTo = options.writeTo ?? stores[0]!;
    this.#decorate = options.decorate ?? ((c) => c);
  }

  async list(): Promise<Credential[]> {
    const out: Credential[] = [];
    const seen = new Set<string>();
    for (const store of this.stores) {
      for (const credential of await store.list()) {
        if (seen.has(credential.id)) continue;
        seen.add(credential.id);
        this.#owner.set(credential.id, store);
        out.push(this.#decorate(credential));
      }
    }
    return out;
  }

  async get(id: string): Promise<Credential | undefined> {
    for (const store of this.#ordered(id)) {
      const credential = await store.get(id);
      if (credential) {
        this.#owner.set(id, store);
        return this.#decorate(credential);
      }
    }
    return undefined;
  }

  async save(credential: Credential, options?: SaveOptions): Promise<Credential> {
    const store = this.#owner.get(credential.id) ?? this.#writeTo;
    const saved = await store.save(credential, options);
    this.#owner.set(saved.id, store);
    return this.#decorate(saved);
  }

  async delete(id: string): Promise<void> {
    const store = this.#owner.get(id);
    if (store) await store.delete(id);
    else for (const s of this.stores) await s.delete(id);
    this.#owner.delete(id);
  }

  watch(listener: (event: TokenStoreEvent) => void): () => void {
    const stops = this.stores.map((store) =>
      store.watch?.((event) => {
        if (event.type === 'upsert') {
          this.#owner.set(event.credential.id, store);
          listener({ type: 'upsert', credential: this.#decorate(event.credential) });
        } else {
          if (event.type === 'delete' && this.#owner.get(event.id) === store) this.#owner.delete(event.id);
          listener(event);
        }
      }),
    );
    return () => {
      for (const stop of stops) stop?.();
    };
  }

  async close(): Promise<void> {
    for (const store of this.stores) await store.close?.();
  }

  #ordered(id: string): readonly TokenStore[] {
    const owner = this.#owner.get(id);
    return owner ? [owner, ...this.stores.filter((s) => s !== owner)] : this.stores;
  }
}
