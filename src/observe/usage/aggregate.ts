import { InvalidRequestError } from '../../core/errors.js';
import type { UsageRecord } from '../../manager/types.js';
import type { UsageAggregate, UsageAggregateQuery, UsageBucket, UsageDimension, UsageFilter } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DIMENSIONS: ReadonlySet<string> = new Set<UsageDimension>(['principal', 'credential', 'provider', 'model']);

/** The model a record is priced and grouped by: the upstream model used, else the model requested. */
export function modelOf(record: UsageRecord): string {
  return record.modelUsed ?? record.modelRequested;
}

/** Start of the UTC hour or day holding `timestamp`, epoch ms. */
export function bucketStart(timestamp: number, bucket: UsageBucket): number {
  const size = bucket === 'hour' ? HOUR : DAY;
  return Math.floor(timestamp / size) * size;
}

/** True when `record` falls in the filter's time range and matches each dimension it names. */
export function matchesFilter(record: UsageRecord, filter: UsageFilter): boolean {
  if (filter.from !== undefined && record.timestamp < filter.from) return false;
  if (filter.to !== undefined && record.timestamp >= filter.to) return false;
  if (filter.principal !== undefined && record.principal !== filter.principal) return false;
  if (filter.credentialId !== undefined && record.credentialId !== filter.credentialId) return false;
  if (filter.provider !== undefined && record.provider !== filter.provider) return false;
  if (filter.model !== undefined && modelOf(record) !== filter.model) return false;
  return true;
}

/** Refuses group-by dimensions and buckets a sink does not know, with a message naming the valid ones. */
export function checkAggregateQuery(query: UsageAggregateQuery): void {
  for (const d of query.groupBy ?? []) {
    if (!DIMENSIONS.has(d)) {
      throw new InvalidRequestError(`Unknown usage dimension '${d}': use principal, credential, provider or model`);
    }
  }
  if (query.bucket !== undefined && query.bucket !== 'hour' && query.bucket !== 'day') {
    throw new InvalidRequestError(`Unknown usage bucket '${String(query.bucket)}': use hour or day`);
  }
}

/** An aggregate with every total at zero and the given keys. */
export function emptyAggregate(keys: Partial<UsageAggregate> = {}): UsageAggregate {
  return {
    ...keys,
    requests: 0,
    errors: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cost: {},
    unpriced: 0,
  };
}

/** Adds one record's counts to `into`. */
export function addRecord(into: UsageAggregate, record: UsageRecord): void {
  into.requests += 1;
  if (!record.success) into.errors += 1;
  into.promptTokens += record.promptTokens;
  into.completionTokens += record.completionTokens;
  into.cachedTokens += record.cachedTokens;
  into.cacheWriteTokens += record.cacheWriteTokens;
  into.reasoningTokens += record.reasoningTokens;
  if (record.cost) {
    into.cost[record.cost.currency] = roundCost((into.cost[record.cost.currency] ?? 0) + record.cost.amount);
  } else {
    into.unpriced += 1;
  }
}

/** Rounds away the binary noise of long sums while keeping sub-micro amounts. */
export function roundCost(amount: number): number {
  return Math.round(amount * 1e12) / 1e12;
}

function keysOf(record: UsageRecord, query: UsageAggregateQuery): Partial<UsageAggregate> {
  const keys: Partial<UsageAggregate> = {};
  if (query.bucket) keys.bucketStart = bucketStart(record.timestamp, query.bucket);
  for (const d of query.groupBy ?? []) {
    if (d === 'principal') keys.principal = record.principal ?? null;
    else if (d === 'credential') keys.credentialId = record.credentialId ?? null;
    else if (d === 'provider') keys.provider = record.provider ?? null;
    else keys.model = modelOf(record);
  }
  return keys;
}

/**
 * Groups and sums records, as every sink's `aggregate` answers: the records the query's filter covers,
 * grouped by its `groupBy` dimensions and `bucket`, ordered by bucket start and then by the group keys.
 * With no grouping the answer is one total (also when no record matched).
 *
 * @example
 * ```ts
 * aggregateRecords(records, { groupBy: ['principal'], bucket: 'day', from: Date.now() - 7 * 86_400_000 });
 * ```
 */
export function aggregateRecords(records: Iterable<UsageRecord>, query: UsageAggregateQuery = {}): UsageAggregate[] {
  checkAggregateQuery(query);
  const groups = new Map<string, UsageAggregate>();
  const grouped = (query.groupBy?.length ?? 0) > 0 || query.bucket !== undefined;
  for (const record of records) {
    if (!matchesFilter(record, query)) continue;
    const keys = keysOf(record, query);
    const id = JSON.stringify(keys);
    let group = groups.get(id);
    if (!group) {
      group = emptyAggregate(keys);
      groups.set(id, group);
    }
    addRecord(group, record);
  }
  if (!grouped && groups.size === 0) return [emptyAggregate()];
  return sortAggregates([...groups.values()]);
}

/** Orders aggregates by bucket start, then principal, credential, provider and model. */
export function sortAggregates(list: UsageAggregate[]): UsageAggregate[] {
  const text = (v: string | null | undefined) => v ?? '';
  return list.sort(
    (a, b) =>
      (a.bucketStart ?? 0) - (b.bucketStart ?? 0) ||
      text(a.principal).localeCompare(text(b.principal)) ||
      text(a.credentialId).localeCompare(text(b.credentialId)) ||
      text(a.provider).localeCompare(text(b.provider)) ||
      text(a.model).localeCompare(text(b.model)),
  );
}

/** Clamps a page size to 1..1000 (default 100). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidRequestError('limit must be an integer from 1 to 1000');
  return Math.min(limit, 1000);
}

/** An opaque cursor for a record id. */
export function encodeCursor(id: string): string {
  return Buffer.from(`u:${id}`).toString('base64url');
}

/** The record id inside a cursor from {@link encodeCursor}. */
export function decodeCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^u:(\d{1,19})$/.exec(text);
  if (!match) throw new InvalidRequestError('The usage cursor is not one this server gave out');
  return BigInt(match[1]!);
}
