import { appendFile, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { UsageRecord } from '../../manager/types.js';
import { MemoryUsageSink } from './memory-usage-sink.js';
import type { UsageAggregate, UsageAggregateQuery, UsageRecordPage, UsageRecordsQuery, UsageSink } from './types.js';

/** Options of {@link FileUsageSink.open}. */
export interface FileUsageSinkOptions {
  /** Directory of the JSON-lines files, created when missing. */
  dir: string;
  /** A file is rotated before it would grow past this many bytes. Default 16 MiB. */
  maxBytes?: number;
  /** A file is rotated once its first record is this old, ms. Default 1 day. */
  maxAgeMs?: number;
  /** Rotated files older than this (ms) are deleted, and their records leave the answers. Default 30 days. */
  retentionMs?: number;
  /** Records kept in memory to answer queries (the newest ones within retention). Default 100 000. */
  memoryRecords?: number;
  /** How often buffered records are appended, ms. Default 1 000. */
  flushIntervalMs?: number;
  /** Records buffered while the disk is slow or failing; past it new ones are dropped (counted). Default 50 000. */
  maxPending?: number;
  /**
   * This process's name when several processes share the directory (`switchyard serve --workers N`
   * names its workers `w1`, `w2`, ...): it appends to `usage.<writer>.jsonl` and rotates to
   * `usage.<writer>-<UTC time>.jsonl`, so no two processes append to or rotate the same file, while
   * opening still reads back the records of every writer. Letters, digits and `_`. Default: none
   * (`usage.jsonl`).
   */
  writer?: string;
  logger?: Logger;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** `usage.jsonl`, or `usage.<writer>.jsonl`: a file being appended to. */
const CURRENT = /^usage(?:\.([A-Za-z0-9_]+))?\.jsonl$/;
/** `usage-<time>.jsonl`, or `usage.<writer>-<time>.jsonl`: a rotated file. */
const ROTATED = /^usage(?:\.([A-Za-z0-9_]+))?-(\d{8}T\d{9}Z)(?:-(\d+))?\.jsonl$/;
const WRITER = /^[A-Za-z0-9_]+$/;
const DAY = 86_400_000;
/** Buffered records that trigger an append before the next tick. */
const EAGER_FLUSH = 1_000;

/**
 * Usage records in JSON-lines files on this machine: `switchyard serve`'s default sink, so usage and
 * spend survive a restart with no database. Records are buffered and appended off the request path
 * (`write` never waits on the disk); the current file `usage.jsonl` is rotated to
 * `usage-<UTC time>.jsonl` by size and by age, and rotated files past retention are deleted.
 *
 * Queries are answered from memory: on open the sink reads back the records its files hold within
 * retention (at most `memoryRecords`, the newest), and keeps every new record there too. Scanning
 * files on every query would make a dashboard's reads cost disk time per request; a bounded window in
 * memory answers at once, and a longer history belongs in the PostgreSQL sink. One process per
 * directory and writer name: two processes sharing a directory each need their own `writer`.
 *
 * @example
 * ```ts
 * const sink = await FileUsageSink.open({ dir: './usage', retentionMs: 90 * 86_400_000 });
 * attachUsageSink(manager, sink);
 * ```
 */
export class FileUsageSink implements UsageSink {
  readonly dir: string;
  readonly #window: MemoryUsageSink;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #retentionMs: number;
  readonly #maxPending: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  /** This process's current file, and the prefix of its rotated files. */
  readonly #current: string;
  readonly #rotatedPrefix: string;
  /** Records not yet appended (serialised off the request path, when appended). */
  #pending: UsageRecord[] = [];
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #size = 0;
  /** When the current file got its first record (epoch ms), or undefined while it is empty. */
  #startedAt: number | undefined;
  #dropped = 0;
  #closed = false;

  private constructor(options: FileUsageSinkOptions) {
    this.dir = options.dir;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#maxAgeMs = options.maxAgeMs ?? DAY;
    this.#retentionMs = options.retentionMs ?? 30 * DAY;
    this.#maxPending = options.maxPending ?? 50_000;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    if (options.writer !== undefined && !WRITER.test(options.writer)) {
      throw new TypeError(
        `FileUsageSink: writer must be letters, digits or '_', got ${JSON.stringify(options.writer)}`,
      );
    }
    this.#current = options.writer ? `usage.${options.writer}.jsonl` : 'usage.jsonl';
    this.#rotatedPrefix = options.writer ? `usage.${options.writer}-` : 'usage-';
    this.#window = new MemoryUsageSink({
      capacity: options.memoryRecords ?? 100_000,
      retentionMs: this.#retentionMs,
      now: this.#now,
    });
    const interval = options.flushIntervalMs ?? 1_000;
    this.#timer = setInterval(() => void this.flush(), interval);
    this.#timer.unref?.();
  }

  /** Opens the directory, deletes files past retention and reads back the records the others hold. */
  static async open(options: FileUsageSinkOptions): Promise<FileUsageSink> {
    const sink = new FileUsageSink(options);
    try {
      await sink.#load();
    } catch (err) {
      await sink.close();
      throw err;
    }
    return sink;
  }

  /** Records dropped so far because the disk could not keep up (or failed). */
  get dropped(): number {
    return this.#dropped;
  }

  write(record: UsageRecord): void {
    if (this.#closed) return;
    if (this.#pending.length >= this.#maxPending) {
      this.#drop(1, 'usage file buffer full: records dropped');
      return;
    }
    this.#window.write(record);
    this.#pending.push(record);
    if (this.#pending.length === EAGER_FLUSH) void this.flush();
  }

  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#drain());
    return this.#chain;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
  }

  aggregate(query: UsageAggregateQuery = {}): UsageAggregate[] {
    return this.#window.aggregate(query);
  }

  records(query: UsageRecordsQuery = {}): UsageRecordPage {
    return this.#window.records(query);
  }

  /** Deletes rotated files past retention. Runs on open and after each rotation. */
  async prune(): Promise<void> {
    const cutoff = this.#now() - this.#retentionMs;
    for (const { name, time } of await this.#rotatedFiles()) {
      if (time >= cutoff) continue;
      // Another writer sharing the directory may have deleted it first.
      await unlink(join(this.dir, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT')
          this.#logger.warn({ file: name, error: err.message }, 'could not delete an expired usage file');
      });
    }
  }

  async #load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.prune();
    const cutoff = this.#now() - this.#retentionMs;
    // Every writer's files (other processes of the same gateway), this process's current file last.
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const others = names.filter((n) => CURRENT.test(n) && n !== this.#current).sort();
    const files = [...(await this.#rotatedFiles()).map((f) => f.name), ...others, this.#current];
    let unreadable = 0;
    for (const name of files) {
      let text: string;
      try {
        text = await readFile(join(this.dir, name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (name === this.#current) this.#size = Buffer.byteLength(text);
      for (const line of text.split('\n')) {
        if (line === '') continue;
        let record: UsageRecord;
        try {
          record = JSON.parse(line) as UsageRecord;
        } catch {
          // A line cut short by a crash mid-append: skip it, keep the rest.
          unreadable++;
          continue;
        }
        if (name === this.#current) this.#startedAt ??= record.timestamp;
        if (typeof record.timestamp === 'number' && record.timestamp >= cutoff) this.#window.write(record);
      }
    }
    if (this.#size > 0) this.#startedAt ??= this.#now();
    if (unreadable > 0) this.#logger.warn({ dir: this.dir, lines: unreadable }, 'unreadable usage lines skipped');
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const lines = this.#pending;
      this.#pending = [];
      let chunk = '';
      for (const record of lines) chunk += `${JSON.stringify(record)}\n`;
      const bytes = Buffer.byteLength(chunk);
      try {
        await this.#rotateIfDue(bytes);
        await appendFile(join(this.dir, this.#current), chunk);
        this.#size += bytes;
        this.#startedAt ??= this.#now();
      } catch (err) {
        // Keep what fits for the next try; the rest is dropped and counted.
        const room = Math.max(0, this.#maxPending - this.#pending.length);
        const kept = lines.slice(0, room);
        this.#pending = [...kept, ...this.#pending];
        if (kept.length < lines.length)
          this.#drop(lines.length - kept.length, 'usage file write failed: records dropped');
        this.#logger.warn({ dir: this.dir, error: (err as Error).message }, 'usage file write failed; will retry');
        return;
      }
    }
  }

  async #rotateIfDue(incoming: number): Promise<void> {
    if (this.#size === 0) return;
    const bySize = this.#size + incoming > this.#maxBytes;
    const byAge = this.#startedAt !== undefined && this.#now() - this.#startedAt >= this.#maxAgeMs;
    if (!bySize && !byAge) return;
    const stamp = new Date(this.#now()).toISOString().replace(/[-:.]/g, '');
    const prefix = this.#rotatedPrefix;
    let name = `${prefix}${stamp}.jsonl`;
    for (let n = 1; await exists(join(this.dir, name)); n++) name = `${prefix}${stamp}-${n}.jsonl`;
    await rename(join(this.dir, this.#current), join(this.dir, name));
    this.#size = 0;
    this.#startedAt = undefined;
    await this.prune();
  }

  /** Rotated files oldest first, with the time they were rotated (from their name). */
  async #rotatedFiles(): Promise<{ name: string; time: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: { name: string; time: number }[] = [];
    for (const name of names) {
      const match = ROTATED.exec(name);
      if (!match) continue;
      const s = match[2]!;
      const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
      out.push({ name, time: Date.parse(iso) });
    }
    return out.sort((a, b) => a.time - b.time || a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  #drop(count: number, message: string): void {
    const before = this.#dropped;
    this.#dropped += count;
    // Warn on the first drop and then at each power of ten, not once per record.
    if (before === 0 || Math.floor(Math.log10(this.#dropped)) > Math.floor(Math.log10(Math.max(1, before)))) {
      this.#logger.warn({ dir: this.dir, dropped: this.#dropped }, message);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
