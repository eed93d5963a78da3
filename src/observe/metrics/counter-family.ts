import { Counter, type Registry } from 'prom-client';

/** One labelled series of a {@link CounterFamily}: add to `value`, nothing else happens per request. */
export interface CounterSeries {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * A prom-client counter whose series are plain numbers, handed to prom-client at scrape time: counting
 * is one addition instead of prom-client's per-call label hashing and validation. Series are made once
 * per label set; those still at 0 are left out of the scrape (a kind of token nobody reported).
 */
export class CounterFamily {
  readonly #labelNames: readonly string[];
  readonly #series: CounterSeries[] = [];

  constructor(registry: Registry, name: string, help: string, labelNames: string[]) {
    this.#labelNames = labelNames;
    const series = this.#series;
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of series) if (s.value > 0) this.inc(s.labels, s.value);
      },
    });
  }

  /** A new series with these label values, in the order of the label names. */
  series(...values: string[]): CounterSeries {
    const labels: Record<string, string> = {};
    for (const [i, name] of this.#labelNames.entries()) labels[name] = values[i] ?? '';
    const series: CounterSeries = { labels, value: 0 };
    this.#series.push(series);
    return series;
  }
}
