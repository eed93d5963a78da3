import type { Registry } from 'prom-client';
import type { UsageRecord } from '../../manager/types.js';
import { CounterFamily, type CounterSeries } from './counter-family.js';
import { HistogramFamily, type HistogramSeries } from './histogram-family.js';
import type { MetricsBuckets } from './types.js';

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const FIRST_BYTE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** The bound children of one (provider, model) pair, made once when the pair first shows up. */
interface Group {
  provider: string;
  model: string;
  /** Per dialect, per status class index. */
  requests: Map<string, Array<CounterSeries | undefined>>;
  input: CounterSeries;
  output: CounterSeries;
  cacheRead: CounterSeries;
  cacheWrite: CounterSeries;
  reasoning: CounterSeries;
  duration: HistogramSeries;
  firstByte: HistogramSeries;
  overhead: HistogramSeries;
}

/**
 * The metrics of finished requests (one usage record each): requests by dialect, provider, model and
 * status class; tokens by kind; duration, time to first byte and the gateway's own overhead. Series
 * and histogram series are made once per label set, so a record costs a few map reads and additions.
 */
export class RequestMetrics {
  /** The metric names, for removing them again. */
  readonly names: string[] = [];
  readonly #requests: CounterFamily;
  readonly #tokens: CounterFamily;
  readonly #duration: HistogramFamily;
  readonly #firstByte: HistogramFamily;
  readonly #overhead: HistogramFamily;
  readonly #groups = new Map<string, Map<string, Group>>();
  readonly #models = new Set<string>();
  readonly #maxModels: number;

  constructor(registry: Registry, prefix: string, buckets: MetricsBuckets, maxModels: number) {
    const name = (suffix: string) => {
      this.names.push(prefix + suffix);
      return prefix + suffix;
    };
    this.#maxModels = maxModels;
    this.#requests = new CounterFamily(
      registry,
      name('requests_total'),
      'Finished requests, by the caller dialect, the provider and upstream model that answered last, and the HTTP status class the caller got.',
      ['dialect', 'provider', 'model', 'status_class'],
    );
    this.#tokens = new CounterFamily(
      registry,
      name('tokens_total'),
      'Tokens the upstreams reported, by kind: input (cached included), output (reasoning included), cache_read, cache_write, reasoning.',
      ['provider', 'model', 'kind'],
    );
    const labels = ['provider', 'model'];
    this.#duration = new HistogramFamily(
      registry,
      name('request_duration_seconds'),
      'Whole requests, from arrival to the last byte, every attempt included.',
      labels,
      buckets.duration ?? DURATION_BUCKETS,
    );
    this.#firstByte = new HistogramFamily(
      registry,
      name('time_to_first_byte_seconds'),
      'Streamed requests, from arrival to the first byte sent to the caller.',
      labels,
      buckets.firstByte ?? FIRST_BYTE_BUCKETS,
    );
    this.#overhead = new HistogramFamily(
      registry,
      name('overhead_seconds'),
      "The gateway's own time per request: its duration minus the time spent waiting on upstreams.",
      labels,
      buckets.overhead ?? OVERHEAD_BUCKETS,
    );
  }

  observe(record: UsageRecord): void {
    const group = this.#group(record.provider ?? 'none', this.#model(record));
    const status = record.status ?? (record.success ? 200 : 500);
    const index = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
    let byClass = group.requests.get(record.dialect);
    if (!byClass) {
      byClass = [];
      group.requests.set(record.dialect, byClass);
    }
    let requests = byClass[index];
    if (!requests) {
      requests = this.#requests.series(record.dialect, group.provider, group.model, STATUS_CLASSES[index]!);
      byClass[index] = requests;
    }
    requests.value += 1;
    group.input.value += record.promptTokens;
    group.output.value += record.completionTokens;
    group.cacheRead.value += record.cachedTokens;
    group.cacheWrite.value += record.cacheWriteTokens;
    group.reasoning.value += record.reasoningTokens;
    group.duration.observe(record.latencyMs / 1000);
    if (record.ttfbMs !== undefined) group.firstByte.observe(record.ttfbMs / 1000);
    if (record.attempts > 0 && record.upstreamMs !== undefined) {
      group.overhead.observe(Math.max(0, record.latencyMs - record.upstreamMs) / 1000);
    }
  }

  /** The model label: its own name once an upstream answered for it (and while there is room), else `other`. */
  #model(record: UsageRecord): string {
    const model = record.modelUsed;
    if (model === undefined) return 'none';
    if (this.#models.has(model)) return model;
    if (record.success && this.#models.size < this.#maxModels) {
      this.#models.add(model);
      return model;
    }
    return 'other';
  }

  #group(provider: string, model: string): Group {
    let byModel = this.#groups.get(provider);
    if (!byModel) {
      byModel = new Map();
      this.#groups.set(provider, byModel);
    }
    let group = byModel.get(model);
    if (!group) {
      const tokens = (kind: string) => this.#tokens.series(provider, model, kind);
      group = {
        provider,
        model,
        requests: new Map(),
        input: tokens('input'),
        output: tokens('output'),
        cacheRead: tokens('cache_read'),
        cacheWrite: tokens('cache_write'),
        reasoning: tokens('reasoning'),
        duration: this.#duration.series(provider, model),
        firstByte: this.#firstByte.series(provider, model),
        overhead: this.#overhead.series(provider, model),
      };
      byModel.set(model, group);
    }
    return group;
  }
}
