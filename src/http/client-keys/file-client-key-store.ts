import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { writeAtomic } from '../../manager/stores/file/write-atomic.js';
import type { ClientKeyRecord, ClientKeyStore } from './types.js';

/**
 * Client keys in one JSON file (`{ "keys": [...] }`, digests only), written atomically (a temporary
 * file renamed over it) so a reader never sees half a file. Other processes using the same file see
 * changes through a directory watch. Writes in one process are serialised.
 */
export class FileClientKeyStore implements ClientKeyStore {
  readonly #path: string;
  #queue: Promise<unknown> = Promise.resolve();
  #watcher: FSWatcher | undefined;
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  async list(): Promise<ClientKeyRecord[]> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as { keys?: ClientKeyRecord[] };
      return Array.isArray(parsed.keys) ? parsed.keys : [];
    } catch (err) {
      throw new ConfigError(`The client key file ${this.#path} is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  save(record: ClientKeyRecord): Promise<ClientKeyRecord> {
    return this.#edit((records) => {
      const index = records.findIndex((r) => r.id === record.id);
      if (index >= 0) records[index] = record;
      else records.push(record);
      return record;
    });
  }

  delete(id: string): Promise<boolean> {
    return this.#edit((records) => {
      const index = records.findIndex((r) => r.id === id);
      if (index >= 0) records.splice(index, 1);
      return index >= 0;
    });
  }

  watch(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (!this.#watcher) {
      void mkdir(dirname(this.#path), { recursive: true })
        .then(() => {
          if (this.#listeners.size === 0 || this.#watcher) return;
          this.#watcher = watch(dirname(this.#path), { persistent: false }, (_event, name) => {
            if (name && name.toString() !== basename(this.#path)) return;
            if (this.#timer) clearTimeout(this.#timer);
            this.#timer = setTimeout(() => this.#notify(), 50);
            this.#timer.unref?.();
          });
        })
        .catch(() => undefined);
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopWatching();
    };
  }

  close(): void {
    this.#listeners.clear();
    this.#stopWatching();
  }

  #edit<T>(change: (records: ClientKeyRecord[]) => T): Promise<T> {
    const run = this.#queue.then(async () => {
      const records = await this.list();
      const result = change(records);
      await mkdir(dirname(this.#path), { recursive: true });
      await writeAtomic(this.#path, `${JSON.stringify({ keys: records }, null, 2)}\n`);
      this.#notify();
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#timer) clearTimeout(this.#timer);
  }
}
