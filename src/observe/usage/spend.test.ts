import { describe, expect, it } from 'vitest';
import { MemoryUsageSink } from './memory-usage-sink.js';
import { exceededBudget, periodEnd, periodStart, SpendCounter, spendOf } from './spend.js';
import { usageRecord as rec } from './usage-fixtures.test-helpers.js';

describe('spend per client key', () => {
  const now = Date.UTC(2026, 2, 10, 15);

  it('periods are UTC calendar days and months', () => {
    expect(periodStart(now, 'day')).toBe(Date.UTC(2026, 2, 10));
    expect(periodEnd(now, 'day')).toBe(Date.UTC(2026, 2, 11));
    expect(periodStart(now, 'month')).toBe(Date.UTC(2026, 2, 1));
    expect(periodEnd(Date.UTC(2026, 11, 31, 23), 'month')).toBe(Date.UTC(2027, 0, 1));
  });

  it('spendOf reads the same numbers the ledger holds', async () => {
    const sink = new MemoryUsageSink();
    sink.write(rec({ principal: 'alice', timestamp: now - 3_600_000, cost: { amount: 1.5, currency: 'USD' } }));
    sink.write(rec({ principal: 'alice', timestamp: Date.UTC(2026, 2, 2), cost: { amount: 2, currency: 'USD' } }));
    sink.write(rec({ principal: 'alice', timestamp: Date.UTC(2026, 1, 27), cost: { amount: 100, currency: 'USD' } }));
    sink.write(rec({ principal: 'bob', timestamp: now, cost: { amount: 7, currency: 'USD' } }));
    expect(await spendOf(sink, 'alice', 'day', now)).toEqual({ USD: 1.5 });
    expect(await spendOf(sink, 'alice', 'month', now)).toEqual({ USD: 3.5 });
    expect(await spendOf(sink, 'carol', 'month', now)).toEqual({});
  });

  it('SpendCounter is seeded from a sink, adds records as they come and starts over each period', async () => {
    let clock = now;
    const sink = new MemoryUsageSink();
    sink.write(rec({ principal: 'alice', timestamp: now - 1000, cost: { amount: 1, currency: 'USD' } }));
    sink.write(rec({ principal: 'alice', timestamp: Date.UTC(2026, 2, 1, 1), cost: { amount: 2, currency: 'USD' } }));
    const counter = new SpendCounter({ now: () => clock });
    await counter.seed(sink);
    expect(counter.spent('alice', 'day')).toEqual({ USD: 1 });
    expect(counter.spent('alice', 'month')).toEqual({ USD: 3 });
    counter.add(rec({ principal: 'alice', timestamp: now, cost: { amount: 0.25, currency: 'USD' } }));
    counter.add(rec({ principal: 'alice', timestamp: now, cost: undefined }));
    counter.add(rec({ principal: undefined, timestamp: now }));
    expect(counter.spent('alice', 'day')).toEqual({ USD: 1.25 });
    clock = Date.UTC(2026, 2, 11, 0, 0, 1);
    expect(counter.spent('alice', 'day')).toEqual({});
    expect(counter.spent('alice', 'month')).toEqual({ USD: 3.25 });
  });

  it('a failed seed leaves the counter unknown, and a later one adds the ledger to what was counted since', async () => {
    const sink = new MemoryUsageSink();
    sink.write(rec({ principal: 'alice', timestamp: now - 1000, cost: { amount: 1, currency: 'USD' } }));
    const counter = new SpendCounter({ now: () => now });
    await expect(counter.seed({ aggregate: () => Promise.reject(new Error('ledger down')) })).rejects.toThrow(
      'ledger down',
    );
    expect(counter.unknown).toBe('ledger down');
    counter.add(rec({ principal: 'alice', timestamp: now, cost: { amount: 0.5, currency: 'USD' } }));
    await counter.seed(sink);
    expect(counter.unknown).toBeUndefined();
    expect(counter.spent('alice', 'day')).toEqual({ USD: 1.5 });
  });

  it('exceededBudget names the used-up budget and when the key may spend again', () => {
    const counter = new SpendCounter({ now: () => now });
    counter.add(rec({ principal: 'alice', timestamp: now, cost: { amount: 4, currency: 'USD' } }));
    const budgets = [
      { period: 'day' as const, amount: 5 },
      { period: 'month' as const, amount: 4, currency: 'USD' },
    ];
    expect(exceededBudget(counter, 'alice', budgets, now)).toEqual({
      budget: budgets[1],
      spent: 4,
      retryAfterMs: Date.UTC(2026, 3, 1) - now,
    });
    expect(exceededBudget(counter, 'alice', [{ period: 'day', amount: 5 }], now)).toBeUndefined();
    expect(exceededBudget(counter, 'alice', [{ period: 'day', amount: 1, currency: 'EUR' }], now)).toBeUndefined();
    counter.add(rec({ principal: 'alice', timestamp: now, cost: { amount: 1, currency: 'USD' } }));
    expect(exceededBudget(counter, 'alice', [{ period: 'day', amount: 5 }], now)?.retryAfterMs).toBe(
      Date.UTC(2026, 2, 11) - now,
    );
  });
});
