import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HistogramFamily } from '../../src/observe/metrics/histogram-family.js';

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];

/** The same observations through prom-client's Histogram and ours, scraped from two registries. */
async function both(observations: Array<{ labels: [string, string]; value: number }>) {
  const theirs = new Registry();
  const ours = new Registry();
  const reference = new Histogram({
    name: 'h_seconds',
    help: 'help text',
    labelNames: ['provider', 'model'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const family = new HistogramFamily(ours, 'h_seconds', 'help text', ['provider', 'model'], BUCKETS);
  const series = new Map<string, ReturnType<HistogramFamily['series']>>();
  // prom-client lists series in the order they were first observed; so does the family.
  for (const { labels, value } of observations) {
    reference.labels(...labels).observe(value);
    const key = labels.join('\u0000');
    let s = series.get(key);
    if (!s) {
      s = family.series(...labels);
      series.set(key, s);
    }
    s.observe(value);
  }
  return { theirs, ours };
}

describe('HistogramFamily', () => {
  it('scrapes exactly what a prom-client Histogram scrapes for the same observations', async () => {
    const label = fc.constantFrom('a', 'b', 'c"q', 'd\\e');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            labels: fc.tuple(label, label),
            // Bounds themselves included: `le` is "less than or equal".
            value: fc.oneof(fc.constantFrom(...BUCKETS, 0, 20), fc.double({ min: 0, max: 50, noNaN: true })),
          }),
          { maxLength: 40 },
        ),
        async (observations) => {
          const { theirs, ours } = await both(observations);
          expect(await ours.metrics()).toBe(await theirs.metrics());
          // prom-client adds an empty `exemplar` to each of its own samples; nothing else may differ.
          const json = JSON.parse(
            JSON.stringify(await theirs.getMetricsAsJSON(), (k, v) => (k === 'exemplar' ? undefined : v)),
          );
          expect(await ours.getMetricsAsJSON()).toEqual(json);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('starts again from zero on a registry reset, and leaves out series never observed', async () => {
    const registry = new Registry();
    const family = new HistogramFamily(registry, 'x_seconds', 'x', ['provider'], BUCKETS);
    const a = family.series('a');
    family.series('never');
    a.observe(0.5);
    a.observe(5);
    let text = await registry.metrics();
    expect(text).toContain('x_seconds_bucket{le="1",provider="a"} 1');
    expect(text).toContain('x_seconds_count{provider="a"} 2');
    expect(text).not.toContain('never');
    registry.resetMetrics();
    text = await registry.metrics();
    expect(text).not.toContain('provider="a"');
    a.observe(0.05);
    expect(await registry.metrics()).toContain('x_seconds_bucket{le="0.1",provider="a"} 1');
  });

  it('refuses a second metric of the same name, like prom-client', () => {
    const registry = new Registry();
    new HistogramFamily(registry, 'dup_seconds', 'x', [], BUCKETS);
    expect(() => new HistogramFamily(registry, 'dup_seconds', 'x', [], BUCKETS)).toThrow(/already been registered/);
  });
});
