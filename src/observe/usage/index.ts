export {
  aggregateRecords,
  bucketStart,
  matchesFilter,
  modelOf,
} from './aggregate.js';
export { attachUsageSink } from './attach-usage-sink.js';
export { FileUsageSink, type FileUsageSinkOptions } from './file-usage-sink.js';
export { MemoryUsageSink, type MemoryUsageSinkOptions } from './memory-usage-sink.js';
export {
  type CostBudget,
  type ExceededBudget,
  exceededBudget,
  periodEnd,
  periodStart,
  SpendCounter,
  type SpendCounterOptions,
  type SpendPeriod,
  spendOf,
} from './spend.js';
export type {
  StoredUsageRecord,
  UsageAggregate,
  UsageAggregateQuery,
  UsageBucket,
  UsageDimension,
  UsageFilter,
  UsageRecordPage,
  UsageRecordsQuery,
  UsageSink,
} from './types.js';
