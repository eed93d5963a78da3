import type { UsageRecord } from '../../manager/types.js';
import { aggregateRecords, decodeCursor, encodeCursor, matchesFilter, pageLimit } from './aggregate.js';
import type {
  StoredUsageRecord,
  UsageAggregate,
  UsageAggregateQuery,
  UsageRecordPage,
  UsageRecordsQuery,
  UsageSink,
} from './types.js';

/** Options of {@link MemoryUsageSink}. */
export interface MemoryUsageSinkOptions {
  /** Records kept; past it the oldest go first. Default 10 000. */
  capacity?: number;
  /** Records older than this (ms) are left out of answers and dropped. Default: kept until pushed out. */
  retentionMs?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * The newest usage records in a bounded ring in this process: the library's default sink. Nothing
 * survives a restart; use the file sink (one machine) or the PostgreSQL sink (several) for that.
 *
 * @example
 * ```ts
 * const sink = new MemoryUsageSink({ capacity: 50_000 });
 * attachUsageSink(manager, sink);
 * const [total] = await sink.aggregate({ from: Date.now() - 3_600_000 });
 * ```
 */
export class MemoryUsageSink implements UsageSink {
  readonly capacity: number;
  readonly #retentionMs: number | undefined;
  readonly #now: () => number;
  readonly #ring: (StoredUsageRecord | undefined)[];
  /** Index of the next slot to write. */
  #head = 0;
  #size = 0;
  #seq = 0;

  constructor(options: MemoryUsageSinkOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('MemoryUsageSink: capacity must be at least 1');
    this.capacity = capacity;
    this.#retentionMs = options.retentionMs;
    this.#now = options.now ?? Date.now;
    this.#ring = new Array(capacity);
  }

  /** Records held now. */
  get size(): number {
    return this.#size;
  }

  write(record: UsageRecord): void {
    this.#seq += 1;
    this.#ring[this.#head] = { ...record, id: String(this.#seq) };
    this.#head = (this.#head + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** Records oldest first, within retention. */
  *entries(): Generator<StoredUsageRecord> {
    const cutoff = this.#cutoff();
    const start = (this.#head - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const record = this.#ring[(start + i) % this.capacity]!;
      if (record.timestamp >= cutoff) yield record;
    }
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  aggregate(query: UsageAggregateQuery = {}): UsageAggregate[] {
    return aggregateRecords(this.entries(), query);
  }

  records(query: UsageRecordsQuery = {}): UsageRecordPage {
    const limit = pageLimit(query.limit);
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const cutoff = this.#cutoff();
    const page: StoredUsageRecord[] = [];
    let more = false;
    for (let i = 1; i <= this.#size; i++) {
      const record = this.#ring[(this.#head - i + this.capacity * 2) % this.capacity]!;
      if (before !== undefined && BigInt(record.id) >= before) continue;
      if (record.timestamp < cutoff || !matchesFilter(record, query)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(record);
    }
    const last = page[page.length - 1];
    return more && last ? { records: page, nextCursor: encodeCursor(last.id) } : { records: page };
  }

  #cutoff(): number {
    return this.#retentionMs === undefined ? Number.NEGATIVE_INFINITY : this.#now() - this.#retentionMs;
  }
}
