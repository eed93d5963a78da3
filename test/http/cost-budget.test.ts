import { describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../src/http/index.js';
import { attachUsageSink, ConfigError, Manager, MemoryUsageSink, mockExecutor, SpendCounter } from '../../src/index.js';
import { chatBody, json, request, text } from './helpers.js';

const KEY = 'sk-budget-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

describe('client key cost budgets', () => {
  it('spend enforced and spend recorded never disagree over mixed streamed and whole answers', async () => {
    const manager = new Manager({
      executors: [mockExecutor()],
      credentials: [{ id: 'a', provider: 'mock' }],
      // A price for the mock model, so every answer costs something.
      prices: { 'mock-model': { input: 1_000, output: 2_000, currency: 'USD' } },
    });
    const sink = new MemoryUsageSink();
    attachUsageSink(manager, sink);
    const spend = new SpendCounter();
    manager.addHooks({ onUsage: (r) => spend.add(r) });
    const budget = 0.5;
    const handler = createHandler(manager, {
      keys: [{ key: KEY, principal: 'team-a', costBudgets: [{ period: 'day', amount: budget }] }],
      spend,
    });

    let admitted = 0;
    let refused: Awaited<ReturnType<typeof handler>> | undefined;
    for (let i = 0; i < 500 && !refused; i++) {
      const res = await handler(request({ headers: auth, json: chatBody({ stream: i % 2 === 0 }) }));
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        await text(res);
        await new Promise((r) => setTimeout(r, 0));
        admitted++;
      }
    }
    expect(refused).toBeDefined();
    expect(admitted).toBeGreaterThan(2);
    const error = (await json(refused!)).error as { message: string; type: string };
    expect(error.message).toBe('Cost budget used up: 0.5 USD per day');
    expect(refused!.headers['retry-after']).toMatch(/^\d+$/);

    const [recorded] = await sink.aggregate({ principal: 'team-a' });
    expect(recorded!.requests).toBe(admitted);
    expect(recorded!.unpriced).toBe(0);
    // What the ledger shows is exactly what the budget was checked against.
    expect(spend.spent('team-a', 'day').USD).toBe(recorded!.cost.USD);
    expect(recorded!.cost.USD).toBeGreaterThanOrEqual(budget);
    // The last admitted request was admitted while something was left.
    const page = await sink.records({ principal: 'team-a', limit: 1 });
    const last = page.records[0]!.cost!.amount;
    expect(recorded!.cost.USD! - last).toBeLessThan(budget);
  });

  it('a key with cost budgets on a handler without spend fails closed when built', () => {
    const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'a', provider: 'mock' }] });
    expect(() =>
      createHandler(manager, { keys: [{ key: KEY, costBudgets: [{ period: 'month', amount: 10 }] }] }),
    ).toThrow(ConfigError);
  });
});

describe('cost budgets when the spend so far cannot be read', () => {
  it('refuses keys with budgets (503, retrying) until a seed succeeds, and serves keys without', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'a', provider: 'mock' }] });
      const stored = new MemoryUsageSink();
      let down = true;
      const ledger = {
        aggregate: (query: Parameters<MemoryUsageSink['aggregate']>[0]) =>
          down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : stored.aggregate(query),
      };
      const spend = new SpendCounter();
      const errors: string[] = [];
      const stop = await spend.seedUntilKnown(ledger, { retryMs: 1_000, onError: (err) => errors.push(err.message) });
      expect(spend.unknown).toContain('ECONNREFUSED');
      const handler = createHandler(manager, {
        keys: [
          { key: KEY, principal: 'team-a', costBudgets: [{ period: 'day', amount: 5 }] },
          { key: 'sk-no-budget-0123456789', principal: 'team-b' },
        ],
        spend,
      });
      const budgeted = await handler(request({ headers: auth, json: chatBody() }));
      expect(budgeted.status).toBe(503);
      expect(budgeted.headers['retry-after']).toBe('30');
      expect(((await json(budgeted)).error as { message: string }).message).toMatch(/cannot read what was spent/);
      const free = await handler(
        request({ headers: { ...auth, authorization: 'Bearer sk-no-budget-0123456789' }, json: chatBody() }),
      );
      expect(free.status).toBe(200);

      // Still down at the first retry; back at the second.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(errors).toHaveLength(2);
      down = false;
      await vi.advanceTimersByTimeAsync(1_000);
      expect(spend.unknown).toBeUndefined();
      expect((await handler(request({ headers: auth, json: chatBody() }))).status).toBe(200);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(errors).toHaveLength(2);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
