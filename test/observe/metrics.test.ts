import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  type Credential,
  FillFirstSelector,
  Manager,
  MemoryTokenStore,
  type MockBehaviour,
  mockExecutor,
} from '../../src/index.js';
import { type MetricsOptions, registerMetrics } from '../../src/observe/metrics/index.js';
import { rejection, text } from '../manager/helpers.js';
import { parseExposition, value } from './parse-exposition.js';

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [{ role: 'user', content: 'hello there' }],
  ...extra,
});

function setup(behaviours: Record<string, MockBehaviour>, options: MetricsOptions = {}, credentials?: Credential[]) {
  const mock = mockExecutor({ behaviours });
  const manager = new Manager({
    executors: [mock],
    store: new MemoryTokenStore(
      credentials ??
        Object.keys(behaviours).map((id) => ({
          id,
          provider: 'mock',
          apiKey: `sk-secret-${id}-0123456789`,
          models: [{ name: 'mock-model' }],
        })),
    ),
    selector: new FillFirstSelector(),
    retry: { attempts: 3, baseDelayMs: 0 },
  });
  const metrics = registerMetrics(manager, options);
  const scrape = async () => parseExposition(await metrics.registry.metrics());
  return { manager, metrics, scrape };
}

const ok = { dialect: 'openai-chat', provider: 'mock', model: 'mock-model', status_class: '2xx' };

describe('registerMetrics', () => {
  it('counts requests, tokens and durations of successful requests', async () => {
    const { manager, scrape } = setup({ a: {}, b: {} });
    for (let i = 0; i < 3; i++) await text((await manager.execute({ dialect: 'openai-chat', body: chat() })).body);
    const m = await scrape();
    expect(value(m, 'switchyard_requests_total', ok)).toBe(3);
    expect(
      value(m, 'switchyard_tokens_total', { provider: 'mock', model: 'mock-model', kind: 'input' }),
    ).toBeGreaterThan(0);
    expect(value(m, 'switchyard_tokens_total', { kind: 'output' })).toBeGreaterThan(0);
    // Kinds the upstream never reported have no series.
    expect(value(m, 'switchyard_tokens_total', { kind: 'reasoning' })).toBeUndefined();
    expect(value(m, 'switchyard_request_duration_seconds_count', { provider: 'mock', model: 'mock-model' })).toBe(3);
    expect(value(m, 'switchyard_overhead_seconds_count', { provider: 'mock' })).toBe(3);
    expect(value(m, 'switchyard_overhead_seconds_bucket', { le: '+Inf' })).toBe(3);
    // Non-stream answers have no first byte of their own.
    expect(value(m, 'switchyard_time_to_first_byte_seconds_count')).toBeUndefined();
    expect(value(m, 'switchyard_attempts_total', { provider: 'mock' })).toBe(3);
    expect(value(m, 'switchyard_credentials', { provider: 'mock', state: 'up' })).toBe(2);
    expect(value(m, 'switchyard_credentials', { provider: 'mock', state: 'cooling' })).toBe(0);
    expect(value(m, 'switchyard_requests_in_flight')).toBe(0);
    expect(m.get('switchyard_requests_total')?.type).toBe('counter');
    expect(m.get('switchyard_request_duration_seconds')?.type).toBe('histogram');
  });

  it('counts a 429 failover by reason and shows the cooling credential', async () => {
    const { manager, scrape } = setup({ a: { statuses: [429], retryAfter: '30' }, b: {} });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.credentialId).toBe('b');
    const m = await scrape();
    expect(value(m, 'switchyard_requests_total', ok)).toBe(1);
    expect(value(m, 'switchyard_attempts_total', { provider: 'mock' })).toBe(2);
    expect(value(m, 'switchyard_attempt_failures_total', { provider: 'mock', reason: 'rate_limited' })).toBe(1);
    expect(value(m, 'switchyard_failovers_total', { reason: 'rate_limited' })).toBe(1);
    expect(value(m, 'switchyard_retries_total')).toBeUndefined();
    expect(value(m, 'switchyard_credentials', { provider: 'mock', state: 'cooling' })).toBe(1);
    expect(value(m, 'switchyard_credentials', { provider: 'mock', state: 'up' })).toBe(1);
  });

  it('counts a retry on the same credential after an OAuth refresh', async () => {
    const credentials: Credential[] = [
      {
        id: 'o',
        provider: 'mock',
        kind: 'oauth',
        oauth: { accessToken: 'stale-token-value', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000 },
      },
    ];
    const { manager, scrape } = setup({ o: { statuses: [401] } }, {}, credentials);
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    const m = await scrape();
    expect(value(m, 'switchyard_retries_total', { reason: 'unauthorized' })).toBe(1);
    expect(value(m, 'switchyard_failovers_total')).toBeUndefined();
  });

  it('observes the time to first byte of a stream', async () => {
    const { manager, scrape } = setup({ a: {} });
    const res = await manager.execute({ dialect: 'anthropic-messages', body: chat({ stream: true, max_tokens: 64 }) });
    await text(res.body);
    const m = await scrape();
    const labels = { provider: 'mock', model: 'mock-model' };
    expect(value(m, 'switchyard_time_to_first_byte_seconds_count', labels)).toBe(1);
    expect(value(m, 'switchyard_requests_total', { ...ok, dialect: 'anthropic-messages' })).toBe(1);
  });

  it('labels failures by status class, and names no model nobody answered for', async () => {
    const credentials: Credential[] = [{ id: 'any', provider: 'mock', apiKey: 'sk-secret-any-0123456789' }];
    const { manager, scrape } = setup({ any: { statuses: [400, 400] } }, {}, credentials);
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    // Credentials without a model list serve any name: a made-up one must not become a series.
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat({ model: 'made-up-1234' }) }));
    await text((await manager.execute({ dialect: 'openai-chat', body: chat() })).body);
    const m = await scrape();
    expect(value(m, 'switchyard_requests_total', { status_class: '4xx', model: 'other' })).toBe(2);
    expect(value(m, 'switchyard_requests_total', { status_class: '2xx', model: 'mock-model' })).toBe(1);
    expect(value(m, 'switchyard_attempt_failures_total', { reason: 'invalid_request' })).toBe(2);
    const models = new Set(
      [...m.values()].flatMap((f) => f.samples.map((s) => s.labels.model)).filter((v) => v !== undefined),
    );
    expect([...models].sort()).toEqual(['mock-model', 'other']);
  });

  it('counts a request for a model no credential serves under model "none"', async () => {
    const { manager, scrape } = setup({ a: {} });
    await rejection(manager.execute({ dialect: 'gemini', model: 'nope', body: { contents: [] } }));
    const m = await scrape();
    expect(
      value(m, 'switchyard_requests_total', {
        dialect: 'gemini',
        provider: 'none',
        model: 'none',
        status_class: '4xx',
      }),
    ).toBe(1);
    expect(value(m, 'switchyard_overhead_seconds_count')).toBeUndefined();
  });

  it('keeps label sets bounded: no secret, no client identity, credential ids only when asked', async () => {
    const { manager, metrics, scrape } = setup({ a: { statuses: [429] }, b: {} });
    await manager.execute({ dialect: 'openai-chat', body: chat(), principal: 'client-key-owner' });
    const raw = await metrics.registry.metrics();
    expect(raw).not.toContain('sk-secret');
    expect(raw).not.toContain('client-key-owner');
    const m = await scrape();
    const labelNames = new Set([...m.values()].flatMap((f) => f.samples.flatMap((s) => Object.keys(s.labels))));
    expect([...labelNames].sort()).toEqual([
      'dialect',
      'kind',
      'le',
      'model',
      'provider',
      'reason',
      'state',
      'status_class',
    ]);

    const opted = setup({ a: { statuses: [429] }, b: {} }, { credentialLabels: true });
    await opted.manager.execute({ dialect: 'openai-chat', body: chat() });
    const o = await opted.scrape();
    expect(value(o, 'switchyard_attempts_total', { provider: 'mock', credential: 'a' })).toBe(1);
    expect(value(o, 'switchyard_attempts_total', { provider: 'mock', credential: 'b' })).toBe(1);
    expect(value(o, 'switchyard_attempt_failures_total', { credential: 'a', reason: 'rate_limited' })).toBe(1);
    expect(value(o, 'switchyard_credential_state', { credential: 'a', state: 'cooling' })).toBe(1);
    expect(value(o, 'switchyard_credential_state', { credential: 'a', state: 'up' })).toBe(0);
    expect(value(o, 'switchyard_credential_state', { credential: 'b', state: 'up' })).toBe(1);
    expect(value(o, 'switchyard_credential_in_flight', { credential: 'b' })).toBe(0);
    expect(await opted.metrics.registry.metrics()).not.toContain('sk-secret');
  });

  it('takes the host registry and a prefix, and detach stops counting and unregisters', async () => {
    const registry = new Registry();
    const { manager, metrics } = setup({ a: {} }, { registry, prefix: 'gw_' });
    expect(metrics.registry).toBe(registry);
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    let m = parseExposition(await registry.metrics());
    expect(value(m, 'gw_requests_total')).toBe(1);
    metrics.detach();
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    m = parseExposition(await registry.metrics());
    expect(m.size).toBe(0);
    // Registering again on the same registry works (nothing was left behind).
    const again = registerMetrics(manager, { registry, prefix: 'gw_' });
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    m = parseExposition(await registry.metrics());
    expect(value(m, 'gw_requests_total')).toBe(1);
    again.detach();
  });

  it('reports ledger drops read at scrape time', async () => {
    const { metrics, scrape } = setup({ a: {} });
    const sink = { dropped: 0 };
    const stop = metrics.observeLedger(sink, 'postgres');
    expect(value(await scrape(), 'switchyard_ledger_dropped_total', { sink: 'postgres' })).toBe(0);
    sink.dropped = 7;
    expect(value(await scrape(), 'switchyard_ledger_dropped_total', { sink: 'postgres' })).toBe(7);
    stop();
    expect(value(await scrape(), 'switchyard_ledger_dropped_total', { sink: 'postgres' })).toBeUndefined();
  });

  it('a status() that fails leaves the gauges empty and the scrape whole', async () => {
    const hooks: Array<Parameters<Manager['addHooks']>[0]> = [];
    const metrics = registerMetrics({
      addHooks: (h) => {
        hooks.push(h);
        return () => {};
      },
      status: () => Promise.reject(new Error('redis is down')),
    });
    const m = parseExposition(await metrics.registry.metrics());
    expect(value(m, 'switchyard_credentials')).toBeUndefined();
    expect(value(m, 'switchyard_requests_in_flight')).toBe(0);
    expect(hooks).toHaveLength(1);
  });

  it('caps the model label values at maxModels and takes custom buckets', async () => {
    const credentials: Credential[] = [{ id: 'any', provider: 'mock', apiKey: 'sk-secret-any-0123456789' }];
    const { manager, scrape } = setup({ any: {} }, { maxModels: 1, buckets: { duration: [1, 10] } }, credentials);
    await manager.execute({ dialect: 'openai-chat', body: chat({ model: 'model-one' }) });
    await manager.execute({ dialect: 'openai-chat', body: chat({ model: 'model-two' }) });
    await manager.execute({ dialect: 'openai-chat', body: chat({ model: 'model-one' }) });
    const m = await scrape();
    expect(value(m, 'switchyard_requests_total', { model: 'model-one' })).toBe(2);
    expect(value(m, 'switchyard_requests_total', { model: 'other' })).toBe(1);
    expect(value(m, 'switchyard_requests_total', { model: 'model-two' })).toBeUndefined();
    const les = m
      .get('switchyard_request_duration_seconds')!
      .samples.filter((s) => s.name.endsWith('_bucket') && s.labels.model === 'model-one')
      .map((s) => s.labels.le);
    expect(les).toEqual(['1', '10', '+Inf']);
  });
});
