import { type FSWatcher, watch } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Credential } from '../../../core/credential.js';
import { parseCredential } from '../../../core/credential-schema.js';
import { ConflictError } from '../../../core/errors.js';
import type { SaveOptions, TokenStore, TokenStoreEvent } from '../types.js';
import { writeAtomic } from './write-atomic.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** The auth directory; credentials live in `<dir>/<provider>/<id>.json`. Created when missing. */
  dir: string;
  /** Follow changes made by other processes or by hand. Default true. */
  watch?: boolean;
  /** How long to wait after a file event before reading the file, ms (editors write in steps). Default 50. */
  debounceMs?: number;
}

const SAFE_NAME = /^[A-Za-z0-9._@+-]+$/;

/**
 * Credentials as JSON files in an auth directory laid out `<dir>/<provider>/<id>.json`. Writes are
 * atomic (a temp file in the same directory, fsync, rename) with mode 0600, so a concurrent reader
 * never sees a partial file. Files added, edited or removed by another process or by hand are picked up
 * by watching the directory. A corrupt or half-written file is reported (a `watch` event of type
 * `error`) and skipped, never deleted and never fatal.
 *
 * @example
 * ```ts
 * const store = new FileTokenStore({ dir: './auths' });
 * await store.save({ id: 'claude-1', provider: 'anthropic', apiKey: process.env.ANTHROPIC_API_KEY });
 * // ./auths/anthropic/claude-1.json, mode 0600
 * ```
 */
export class FileTokenStore implements TokenStore {
  readonly dir: string;
  readonly #watch: boolean;
  readonly #debounceMs: number;
  /** id → where it is and the exact text last seen, to tell real changes from our own writes. */
  readonly #known = new Map<string, { path: string; text: string; credential: Credential }>();
  readonly #listeners = new Set<(event: TokenStoreEvent) => void>();
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #started: Promise<void> | undefined;
  #closed = false;

  constructor(options: FileTokenStoreOptions) {
    this.dir = options.dir;
    this.#watch = options.watch ?? true;
    this.#debounceMs = options.debounceMs ?? 50;
  }

  async list(): Promise<Credential[]> {
    await this.#start();
    return [...this.#known.values()].map((k) => structuredClone(k.credential));
  }

  async get(id: string): Promise<Credential | undefined> {
    await this.#start();
    const known = this.#known.get(id);
    if (!known) return undefined;
    // Read through: another process may have written since the watcher last fired.
    await this.#reload(known.path, false);
    const fresh = this.#known.get(id);
    return fresh && structuredClone(fresh.credential);
  }

  async save(credential: Credential, options: SaveOptions = {}): Promise<Credential> {
    await this.#start();
    checkName(credential.provider, 'provider');
    checkName(credential.id, 'id');
    const path = join(this.dir, credential.provider, `${credential.id}.json`);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // The version check and the write happen under a lock file, so two processes saving one credential
    // at once cannot both win a compare-and-set.
    const unlock = await lockFile(`${path}.lock`);
    let saved: Credential;
    let text: string;
    let current: { path: string; credential: Credential } | undefined;
    try {
      const previous = this.#known.get(credential.id);
      await this.#reload(previous?.path ?? path, false);
      current = this.#known.get(credential.id);
      if (options.expectedVersion !== undefined && (current?.credential.version ?? 0) !== options.expectedVersion) {
        throw new ConflictError(`Credential ${credential.id} changed since it was read`);
      }
      saved = { ...structuredClone(credential), version: (current?.credential.version ?? 0) + 1 };
      text = `${JSON.stringify(saved, null, 2)}\n`;
      await writeAtomic(path, text);
    } finally {
      await unlock();
    }
    if (current && current.path !== path) await rm(current.path, { force: true });
    this.#known.set(saved.id, { path, text, credential: saved });
    this.#watchDir(dirname(path));
    this.#emit({ type: 'upsert', credential: structuredClone(saved) });
    return structuredClone(saved);
  }

  async delete(id: string): Promise<void> {
    await this.#start();
    const known = this.#known.get(id);
    if (!known) return;
    this.#known.delete(id);
    await rm(known.path, { force: true });
    this.#emit({ type: 'delete', id });
  }

  watch(listener: (event: TokenStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    void this.#start().catch(() => {});
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #start(): Promise<void> {
    this.#started ??= this.#scan();
    return this.#started;
  }

  async #scan(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.#watchDir(this.dir);
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      await this.#scanProvider(join(this.dir, entry.name), false);
    }
  }

  /** Reads every file of one provider directory; `emit` reports upserts (errors are always reported). */
  async #scanProvider(dir: string, emit: boolean): Promise<void> {
    this.#watchDir(dir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) if (isCredentialFile(name)) await this.#reload(join(dir, name), emit);
  }

  /** Re-reads one file and emits what changed. */
  async #reload(path: string, emit: boolean): Promise<void> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return;
      for (const [id, known] of this.#known) {
        if (known.path !== path) continue;
        this.#known.delete(id);
        if (emit) this.#emit({ type: 'delete', id });
      }
      return;
    }
    const fileId = basename(path, '.json');
    const existing = this.#known.get(fileId);
    if (existing && existing.path === path && existing.text === text) return;
    let credential: Credential;
    try {
      const raw = JSON.parse(text) as Record<string, unknown>;
      // The path names the credential: a hand-written file need not repeat its id and provider.
      credential = parseCredential({ id: fileId, provider: basename(dirname(path)), ...raw });
    } catch (err) {
      const error = new Error(`Skipped unreadable credential file ${path}: ${(err as Error).message}`);
      this.#emit({ type: 'error', id: fileId, error });
      return;
    }
    this.#known.set(credential.id, { path, text, credential });
    if (emit) this.#emit({ type: 'upsert', credential: structuredClone(credential) });
  }

  #watchDir(dir: string): void {
    if (!this.#watch || this.#closed || this.#watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name) this.#schedule(dir, name.toString());
      });
      watcher.on('error', () => {
        watcher.close();
        this.#watchers.delete(dir);
      });
      this.#watchers.set(dir, watcher);
    } catch {
      // The directory vanished between listing and watching; a later scan picks it up again.
    }
  }

  #schedule(dir: string, name: string): void {
    const path = join(dir, name);
    const existing = this.#timers.get(path);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.#timers.delete(path);
      if (this.#closed) return;
      if (dir === this.dir) void this.#scanProvider(path, true).catch(() => {});
      else if (isCredentialFile(name)) void this.#reload(path, true).catch(() => {});
    }, this.#debounceMs);
    timer.unref?.();
    this.#timers.set(path, timer);
  }

  #emit(event: TokenStoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the store keeps going.
      }
    }
  }
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 10_000;

/**
 * Takes `<file>.lock` by creating it exclusively; waits while another holder has it, and breaks a lock
 * older than {@link LOCK_STALE_MS} (its holder died). Resolves to the release function.
 */
async function lockFile(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(path, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock ${path}`);
      else await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    }
  }
}

function isCredentialFile(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.');
}

function checkName(value: string, field: string): void {
  if (!SAFE_NAME.test(value) || value === '.' || value === '..') {
    throw new Error(`Credential ${field} '${value}' cannot be used as a file name`);
  }
}
