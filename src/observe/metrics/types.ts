import type { Registry } from 'prom-client';
import type { ManagerHooks, ManagerStatus } from '../../manager/types.js';

/** What {@link registerMetrics} needs of a Manager: its hooks and its status. */
export interface MetricsSource {
  /** Adds a hook set and returns the function that removes it. */
  addHooks(hooks: ManagerHooks): () => void;
  /** The credentials' state, read at scrape time only. */
  status(): Promise<ManagerStatus>;
}

/** Histogram bucket bounds, in seconds. */
export interface MetricsBuckets {
  /** `request_duration_seconds`. Default 0.05 s to 300 s. */
  duration?: number[];
  /** `time_to_first_byte_seconds`. Default 0.05 s to 60 s. */
  firstByte?: number[];
  /** `overhead_seconds`. Default 0.5 ms to 1 s. */
  overhead?: number[];
}

/** Options of {@link registerMetrics}. */
export interface MetricsOptions {
  /** The prom-client registry to register in (e.g. the host's). Default: a new `Registry`. */
  registry?: Registry;
  /** Prefix of every metric name. Default `switchyard_`. */
  prefix?: string;
  /**
   * Label attempt counters and credential gauges with the credential id too (one series per credential).
   * Ids are the operator's own names, never secrets. Default false: by provider only.
   */
  credentialLabels?: boolean;
  /** Histogram buckets, seconds. */
  buckets?: MetricsBuckets;
  /**
   * Most distinct `model` label values. A model gets its own value once an upstream answered for it (so
   * names made up by callers never become series); past the limit, and until then, it is counted as
   * `other`. Default 100.
   */
  maxModels?: number;
}

/** Anything that counts what it had to drop, e.g. a usage sink whose queue overflowed. */
export interface DropCounter {
  /** Records dropped since it started; read at scrape time. */
  readonly dropped: number;
}

/** What {@link registerMetrics} returns. */
export interface SwitchyardMetrics {
  /** The registry the metrics live in; serve `await registry.metrics()` as `GET /metrics`. */
  readonly registry: Registry;
  /**
   * Reports a sink's drops as `ledger_dropped_total{sink}`, read at scrape time. Returns a function that
   * stops reporting it.
   */
  observeLedger(sink: DropCounter, name?: string): () => void;
  /** Stops counting and removes the metrics from the registry. */
  detach(): void;
}
