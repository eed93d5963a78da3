import { describe, expect, it } from 'vitest';
import { aggregateRecords, bucketStart, decodeCursor, encodeCursor } from './aggregate.js';
import { usageRecord as rec } from './usage-fixtures.test-helpers.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 15, 10, 30);

describe('aggregateRecords', () => {
  const records = [
    rec({ principal: 'alice', credentialId: 'c1', provider: 'anthropic', modelUsed: 'sonnet', timestamp: t0 }),
    rec({ principal: 'alice', credentialId: 'c2', provider: 'openai', modelUsed: 'gpt', timestamp: t0 + H }),
    rec({ principal: 'bob', credentialId: 'c1', provider: 'anthropic', modelUsed: 'sonnet', timestamp: t0 + 24 * H }),
    rec({
      principal: undefined,
      credentialId: undefined,
      provider: undefined,
      modelUsed: undefined,
      modelRequested: 'nothing-serves-this',
      success: false,
      errorCode: 'SWITCHYARD_MODEL_NOT_FOUND',
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      cost: undefined,
      timestamp: t0 + 2 * H,
    }),
  ];

  it('totals every kind of token, requests, errors, cost and unpriced requests', () => {
    expect(aggregateRecords(records)).toEqual([
      {
        requests: 4,
        errors: 1,
        promptTokens: 30,
        completionTokens: 15,
        cachedTokens: 6,
        cacheWriteTokens: 3,
        reasoningTokens: 9,
        cost: { USD: 0.03 },
        unpriced: 1,
      },
    ]);
    expect(aggregateRecords([])).toEqual([expect.objectContaining({ requests: 0, cost: {} })]);
  });

  it('groups by client key, credential, provider and model', () => {
    const by = (d: 'principal' | 'credential' | 'provider' | 'model') =>
      aggregateRecords(records, { groupBy: [d] }).map((g) => [Object.values(g)[0], g.requests]);
    expect(by('principal')).toEqual([
      [null, 1],
      ['alice', 2],
      ['bob', 1],
    ]);
    expect(by('credential')).toEqual([
      [null, 1],
      ['c1', 2],
      ['c2', 1],
    ]);
    expect(by('provider')).toEqual([
      [null, 1],
      ['anthropic', 2],
      ['openai', 1],
    ]);
    // The model is the one used, else the one requested.
    expect(by('model')).toEqual([
      ['gpt', 1],
      ['nothing-serves-this', 1],
      ['sonnet', 2],
    ]);
    const two = aggregateRecords(records, { groupBy: ['principal', 'model'] });
    expect(two.map((g) => [g.principal, g.model, g.requests])).toEqual([
      [null, 'nothing-serves-this', 1],
      ['alice', 'gpt', 1],
      ['alice', 'sonnet', 1],
      ['bob', 'sonnet', 1],
    ]);
  });

  it('buckets by UTC hour and day', () => {
    const hours = aggregateRecords(records, { bucket: 'hour' });
    expect(hours.map((g) => [new Date(g.bucketStart!).toISOString(), g.requests])).toEqual([
      ['2026-01-15T10:00:00.000Z', 1],
      ['2026-01-15T11:00:00.000Z', 1],
      ['2026-01-15T12:00:00.000Z', 1],
      ['2026-01-16T10:00:00.000Z', 1],
    ]);
    const days = aggregateRecords(records, { bucket: 'day', groupBy: ['principal'] });
    expect(days.map((g) => [new Date(g.bucketStart!).toISOString().slice(0, 10), g.principal, g.requests])).toEqual([
      ['2026-01-15', null, 1],
      ['2026-01-15', 'alice', 2],
      ['2026-01-16', 'bob', 1],
    ]);
    expect(bucketStart(Date.UTC(2026, 0, 15, 23, 59, 59, 999), 'day')).toBe(Date.UTC(2026, 0, 15));
  });

  it('filters by time range (from inclusive, to exclusive) and by each dimension', () => {
    expect(aggregateRecords(records, { from: t0 + H, to: t0 + 24 * H })[0]!.requests).toBe(2);
    expect(aggregateRecords(records, { principal: 'alice' })[0]!.requests).toBe(2);
    expect(aggregateRecords(records, { credentialId: 'c1' })[0]!.requests).toBe(2);
    expect(aggregateRecords(records, { provider: 'openai' })[0]!.requests).toBe(1);
    expect(aggregateRecords(records, { model: 'sonnet' })[0]!.requests).toBe(2);
  });

  it('keeps currencies apart', () => {
    const mixed = [rec(), rec({ cost: { amount: 2, currency: 'EUR' } }), rec()];
    expect(aggregateRecords(mixed)[0]!.cost).toEqual({ USD: 0.02, EUR: 2 });
  });

  it('refuses unknown dimensions and buckets', () => {
    expect(() => aggregateRecords(records, { groupBy: ['colour' as 'model'] })).toThrow(/Unknown usage dimension/);
    expect(() => aggregateRecords(records, { bucket: 'week' as 'day' })).toThrow(/Unknown usage bucket/);
  });
});

describe('cursors', () => {
  it('round-trip and refuse anything else', () => {
    expect(decodeCursor(encodeCursor('42'))).toBe(42n);
    expect(() => decodeCursor('garbage')).toThrow(/cursor/);
  });
});
