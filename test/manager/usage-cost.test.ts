import { describe, expect, it } from 'vitest';
import {
  attachUsageSink,
  costOf,
  Manager,
  MemoryUsageSink,
  mockExecutor,
  type PriceTable,
  type UsageRecord,
} from '../../src/index.js';

const body = { model: 'mock-model', messages: [{ role: 'user', content: 'hello there' }] };
const prices: PriceTable = { 'mock-model': { input: 1, output: 2, currency: 'USD' } };

function manager(options: ConstructorParameters<typeof Manager>[0] = {}) {
  return new Manager({ executors: [mockExecutor()], credentials: [{ id: 'm1', provider: 'mock' }], ...options });
}

describe('cost on usage records', () => {
  it('every record carries the cost its tokens come to at the price of the model used', async () => {
    const m = manager({ prices });
    const sink = new MemoryUsageSink();
    attachUsageSink(m, sink);
    await m.execute({ dialect: 'openai-chat', body, principal: 'alice' });
    const [record] = (await sink.records()).records;
    expect(record!.promptTokens).toBeGreaterThan(0);
    expect(record!.cost).toEqual(costOf(record!, 'mock-model', prices));
    expect(record!.cost!.amount).toBeGreaterThan(0);
    const [byKey] = await sink.aggregate({ groupBy: ['principal'] });
    expect(byKey).toMatchObject({ principal: 'alice', requests: 1, cost: { USD: record!.cost!.amount } });
    await m.close();
  });

  it('a model without a price gets no cost field, and prices: false turns cost off', async () => {
    for (const options of [{}, { prices: false as const }]) {
      const m = manager(options);
      const seen: UsageRecord[] = [];
      m.addHooks({ onUsage: (r) => seen.push(r) });
      await m.execute({ dialect: 'openai-chat', body });
      expect(seen).toHaveLength(1);
      expect('cost' in seen[0]!).toBe(false);
      await m.close();
    }
  });

  it('detaching stops the records', async () => {
    const m = manager({ prices });
    const sink = new MemoryUsageSink();
    const detach = attachUsageSink(m, sink);
    await m.execute({ dialect: 'openai-chat', body });
    detach();
    await m.execute({ dialect: 'openai-chat', body });
    expect(sink.size).toBe(1);
    await m.close();
  });
});
