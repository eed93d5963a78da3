import type { ClientKeyRecord, ClientKeyStore } from './types.js';

/** Client keys in this process only (tests, one-instance embedders). */
export class MemoryClientKeyStore implements ClientKeyStore {
  readonly #records = new Map<string, ClientKeyRecord>();
  readonly #listeners = new Set<() => void>();

  constructor(records: readonly ClientKeyRecord[] = []) {
    for (const record of records) this.#records.set(record.id, structuredClone(record));
  }

  list(): ClientKeyRecord[] {
    return [...this.#records.values()].map((r) => structuredClone(r));
  }

  save(record: ClientKeyRecord): ClientKeyRecord {
    this.#records.set(record.id, structuredClone(record));
    this.#changed();
    return structuredClone(record);
  }

  delete(id: string): boolean {
    const deleted = this.#records.delete(id);
    if (deleted) this.#changed();
    return deleted;
  }

  watch(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
