import { Registry } from 'prom-client';
import { AttemptMetrics } from './attempt-metrics.js';
import { RequestMetrics } from './request-metrics.js';
import { StateGauges } from './state-gauges.js';
import type { MetricsOptions, MetricsSource, SwitchyardMetrics } from './types.js';

/**
 * Counts what a Manager does as Prometheus metrics (prom-client, an optional peer dependency), through
 * hooks it adds with `manager.addHooks`: requests, tokens, durations, the gateway's own overhead,
 * attempts, retries and failovers as they happen; credential states and requests in flight at scrape
 * time. Every name starts with `switchyard_`; labels are bounded (no client key, no secret, credential
 * ids only with `credentialLabels`).
 *
 * @example
 * ```ts
 * import { registerMetrics } from 'switchyard/metrics';
 * const metrics = registerMetrics(manager, { registry }); // the host's prom-client registry, or a new one
 * app.get('/metrics', async (_req, res) => {
 *   res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
 * });
 * ```
 */
export function registerMetrics(manager: MetricsSource, options: MetricsOptions = {}): SwitchyardMetrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'switchyard_';
  const credentialLabels = options.credentialLabels ?? false;
  const requests = new RequestMetrics(registry, prefix, options.buckets ?? {}, options.maxModels ?? 100);
  const attempts = new AttemptMetrics(registry, prefix, credentialLabels);
  const gauges = new StateGauges(manager, registry, prefix, credentialLabels);
  const remove = manager.addHooks({
    onAttempt: (info) => attempts.onAttempt(info),
    onResult: (result) => attempts.onResult(result),
    onUsage: (record) => {
      attempts.finished(record.requestId);
      requests.observe(record);
    },
  });
  let detached = false;
  return {
    registry,
    observeLedger: (sink, name = 'ledger') => gauges.observe(sink, name),
    detach() {
      if (detached) return;
      detached = true;
      remove();
      for (const name of [...requests.names, ...attempts.names, ...gauges.names]) registry.removeSingleMetric(name);
    },
  };
}
