// #region metrics
import { Manager, type ManagerHooks } from 'switchyard';
import { credentials, executors } from './context.js'; // @hide
import { metrics } from './my-metrics.js'; // your prom-client / OpenTelemetry / StatsD wrapper

const hooks: ManagerHooks = {
  // One call per attempt on one credential: failover and cooldowns show here.
  onResult(r) {
    metrics.increment('llm_attempts_total', {
      credential: r.credentialId,
      ok: String(r.ok),
      kind: r.error?.kind ?? '',
    });
    if (r.cooldown) metrics.increment('llm_cooldowns_total', { credential: r.credentialId, reason: r.cooldown.reason });
  },
  // One record per request, when its answer is complete (for a stream: when it ends).
  onUsage(u) {
    const labels = { model: u.modelRequested, credential: u.credentialId ?? '', ok: String(u.success) };
    metrics.observe('llm_request_seconds', u.latencyMs / 1000, labels);
    if (u.ttfbMs !== undefined) metrics.observe('llm_first_byte_seconds', u.ttfbMs / 1000, labels);
    metrics.add('llm_tokens_total', u.promptTokens, { ...labels, type: 'prompt' });
    metrics.add('llm_tokens_total', u.completionTokens, { ...labels, type: 'completion' });
    metrics.add('llm_tokens_total', u.cachedTokens, { ...labels, type: 'cached' });
  },
};

const manager = new Manager({ executors, credentials, hooks });

// #endregion metrics

export { manager };
