/** @module switchyard/metrics */
export { registerMetrics } from './register-metrics.js';
export type { DropCounter, MetricsBuckets, MetricsOptions, MetricsSource, SwitchyardMetrics } from './types.js';
