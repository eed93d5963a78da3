import type { Awaitable } from '../../core/awaitable.js';
import type { UsageRecord } from '../../manager/types.js';

/** A dimension usage can be grouped by: the client key (principal), credential, provider or model. */
export type UsageDimension = 'principal' | 'credential' | 'provider' | 'model';

/** A time bucket of aggregates, in UTC. */
export type UsageBucket = 'hour' | 'day';

/**
 * Which records a query covers. Every field is optional and they combine with AND. `model` matches
 * the upstream model used, or the model requested when none was used (the same name the price came from).
 */
export interface UsageFilter {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  principal?: string;
  credentialId?: string;
  provider?: string;
  model?: string;
}

/** What {@link UsageSink.aggregate} groups and sums. */
export interface UsageAggregateQuery extends UsageFilter {
  /** Dimensions to group by, in this order. Default: none (one total). */
  groupBy?: readonly UsageDimension[];
  /** Also group by hour or day (UTC). Default: no time buckets. */
  bucket?: UsageBucket;
}

/** One group of an aggregate: its keys (those grouped by) and its totals. */
export interface UsageAggregate {
  /** Start of the time bucket, epoch ms (when grouped by `bucket`). */
  bucketStart?: number;
  /** Set when grouped by `principal`; null for records without one. */
  principal?: string | null;
  credentialId?: string | null;
  provider?: string | null;
  model?: string | null;
  requests: number;
  /** Requests that failed. */
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Summed cost per currency, e.g. `{ USD: 1.25 }`. */
  cost: Record<string, number>;
  /** Requests whose record carries no cost (their model has no price). */
  unpriced: number;
}

/** What {@link UsageSink.records} pages through: newest first. */
export interface UsageRecordsQuery extends UsageFilter {
  /** Records per page, 1 to 1000. Default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** A usage record as a sink stores it, with the sink's own id (increasing in the order written). */
export interface StoredUsageRecord extends UsageRecord {
  id: string;
}

/** One page of {@link UsageSink.records}. */
export interface UsageRecordPage {
  records: StoredUsageRecord[];
  /** Pass it as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/**
 * Where usage records go, and where they are read back from. `write` is called on the request path: it
 * must return at once, never throw and never wait on I/O (a slow or broken store drops records and
 * counts them instead of delaying requests). Reads answer the management API's usage queries.
 */
export interface UsageSink {
  /** Takes one record; returns at once and never throws. */
  write(record: UsageRecord): void;
  /** Resolves once every record written so far is stored (or given up on). */
  flush(): Promise<void>;
  /** Flushes what it can, then releases files, timers and connections. */
  close(): Promise<void>;
  /** Totals of the records the query covers, grouped as asked. */
  aggregate(query?: UsageAggregateQuery): Awaitable<UsageAggregate[]>;
  /** The records the query covers, newest first, a page at a time (stable while records are added). */
  records(query?: UsageRecordsQuery): Awaitable<UsageRecordPage>;
}
