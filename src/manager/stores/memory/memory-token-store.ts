import { type Credential, unsetSecretProblem } from '../../../core/credential.js';
import { ConfigError, ConflictError } from '../../../core/errors.js';
import type { SaveOptions, TokenStore, TokenStoreEvent } from '../types.js';

/**
 * Credentials in memory, in insertion order, with versions and change events. The Manager's default
 * store; also handy in tests. Values are copied in and out, so callers cannot mutate the store by accident.
 *
 * @example
 * ```ts
 * const store = new MemoryTokenStore([{ id: 'k1', provider: 'openai', apiKey: process.env.OPENAI_API_KEY }]);
 * await store.save({ id: 'k2', provider: 'openai', apiKey: otherKey }); // the Manager picks it up at once
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, Credential>();
  readonly #listeners = new Set<(event: TokenStoreEvent) => void>();

  /** @throws {ConfigError} when a credential has `apiKey: undefined` and no OAuth token (an unset environment variable). */
  constructor(credentials: readonly Credential[] = []) {
    for (const c of credentials) {
      const problem = unsetSecretProblem(c);
      if (problem) throw new ConfigError(problem, { credentialId: c.id });
      this.#records.set(c.id, { ...structuredClone(c), version: c.version ?? 1 });
    }
  }

  async list(): Promise<Credential[]> {
    return [...this.#records.values()].map((c) => structuredClone(c));
  }

  async get(id: string): Promise<Credential | undefined> {
    const c = this.#records.get(id);
    return c && structuredClone(c);
  }

  async save(credential: Credential, options: SaveOptions = {}): Promise<Credential> {
    const current = this.#records.get(credential.id);
    if (options.expectedVersion !== undefined && (current?.version ?? 0) !== options.expectedVersion) {
      throw new ConflictError(
        `Credential ${credential.id} changed since it was read (version ${current?.version ?? 0}, expected ${options.expectedVersion})`,
      );
    }
    const saved: Credential = { ...structuredClone(credential), version: (current?.version ?? 0) + 1 };
    this.#records.set(saved.id, saved);
    this.#emit({ type: 'upsert', credential: structuredClone(saved) });
    return structuredClone(saved);
  }

  async delete(id: string): Promise<void> {
    if (this.#records.delete(id)) this.#emit({ type: 'delete', id });
  }

  watch(listener: (event: TokenStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: TokenStoreEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
