import type { Metric, MetricValueWithName, Registry } from 'prom-client';

type Sample = MetricValueWithName<string> & { sharedLabels?: Readonly<Record<string, string>> };

/** One labelled series of a {@link HistogramFamily}: `observe` is a bucket search and three additions. */
export interface HistogramSeries {
  observe(value: number): void;
}

interface Series extends HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram whose series are plain arrays of counts, handed to the registry at scrape time
 * in the shape prom-client's own histograms have (`_bucket` with `le`, cumulative, then `+Inf`, `_sum`
 * and `_count`). Observing is a search over the bounds and three additions, where a bound prom-client
 * histogram child validates and hashes its labels on every call. Series are made once per label set.
 */
export class HistogramFamily {
  readonly #name: string;
  readonly #help: string;
  readonly #labelNames: readonly string[];
  readonly #bounds: readonly number[];
  readonly #series: Series[] = [];

  constructor(registry: Registry, name: string, help: string, labelNames: string[], buckets: readonly number[]) {
    this.#name = name;
    this.#help = help;
    this.#labelNames = labelNames;
    this.#bounds = [...buckets].sort((a, b) => a - b);
    // The registry only calls get() and reset() and reads the name, help and type of what it holds.
    const metric = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => this.#get(false),
      getForPromString: async () => this.#get(true),
      reset: () => this.#reset(),
    };
    registry.registerMetric(metric as unknown as Metric);
  }

  /** A new series with these label values, in the order of the label names. */
  series(...values: string[]): HistogramSeries {
    const labels: Record<string, string> = {};
    for (const [i, name] of this.#labelNames.entries()) labels[name] = values[i] ?? '';
    const bounds = this.#bounds;
    const series: Series = {
      labels,
      counts: new Array<number>(bounds.length + 1).fill(0),
      sum: 0,
      count: 0,
      observe(value: number) {
        if (!Number.isFinite(value)) return;
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        series.counts[i]! += 1;
        series.sum += value;
        series.count += 1;
      },
    };
    this.#series.push(series);
    return series;
  }

  /**
   * The samples as prom-client's histograms give them: for the text format (`forText`) the series' labels
   * ride as `sharedLabels` after `le`, as prom-client formats its own; for JSON they are merged in.
   */
  #get(forText: boolean): {
    name: string;
    help: string;
    type: string;
    values: Sample[];
    aggregator: 'sum';
  } {
    const values: Sample[] = [];
    const bucket = `${this.#name}_bucket`;
    const sample = (metricName: string, series: Series, value: number, le?: number | string): Sample => {
      const own = le === undefined ? {} : { le };
      return forText
        ? { metricName, labels: own, sharedLabels: series.labels, value }
        : { metricName, labels: { ...own, ...series.labels }, value };
    };
    for (const s of this.#series) {
      if (s.count === 0) continue;
      let cumulative = 0;
      for (const [i, bound] of this.#bounds.entries()) {
        cumulative += s.counts[i]!;
        values.push(sample(bucket, s, cumulative, bound));
      }
      values.push(sample(bucket, s, s.count, '+Inf'));
      values.push(sample(`${this.#name}_sum`, s, s.sum));
      values.push(sample(`${this.#name}_count`, s, s.count));
    }
    return { name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum' };
  }

  #reset(): void {
    for (const s of this.#series) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
