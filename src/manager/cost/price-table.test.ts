import { describe, expect, it, vi } from 'vitest';
import { costOf, DEFAULT_PRICES, findPrice, mergePrices, type PriceTable } from './price-table.js';
import { createUsagePricer } from './usage-pricer.js';

const zero = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
const table: PriceTable = {
  m: { input: 2, output: 10, cachedInput: 0.5, cacheWrite: 2.5, reasoning: 20, currency: 'USD', aliases: ['m-0'] },
  plain: { input: 1, output: 4, currency: 'EUR' },
};

describe('costOf', () => {
  it('prices each token kind at its own rate', () => {
    const M = 1_000_000;
    expect(costOf({ ...zero, promptTokens: M }, 'm', table)).toEqual({ amount: 2, currency: 'USD' });
    // Cache reads and writes are part of promptTokens: they leave the uncached share.
    expect(costOf({ ...zero, promptTokens: M, cachedTokens: M }, 'm', table)?.amount).toBe(0.5);
    expect(costOf({ ...zero, promptTokens: M, cacheWriteTokens: M }, 'm', table)?.amount).toBe(2.5);
    expect(costOf({ ...zero, completionTokens: M }, 'm', table)?.amount).toBe(10);
    // Reasoning is part of completionTokens.
    expect(costOf({ ...zero, completionTokens: M, reasoningTokens: M }, 'm', table)?.amount).toBe(20);
    const all = {
      promptTokens: 4 * M,
      cachedTokens: M,
      cacheWriteTokens: M,
      completionTokens: 3 * M,
      reasoningTokens: M,
    };
    // 2M uncached x 2 + 1M x 0.5 + 1M x 2.5 + 2M x 10 + 1M x 20
    expect(costOf(all, 'm', table)?.amount).toBe(4 + 0.5 + 2.5 + 20 + 20);
  });

  it('charges kinds without their own rate at the base rate they belong to', () => {
    const M = 1_000_000;
    const tokens = {
      promptTokens: 3 * M,
      cachedTokens: M,
      cacheWriteTokens: M,
      completionTokens: 2 * M,
      reasoningTokens: M,
    };
    expect(costOf(tokens, 'plain', table)).toEqual({ amount: 3 + 8, currency: 'EUR' });
  });

  it('keeps small amounts without binary noise', () => {
    expect(costOf({ ...zero, promptTokens: 1000, completionTokens: 200 }, 'claude-sonnet-4-5', DEFAULT_PRICES)).toEqual(
      {
        amount: 0.006,
        currency: 'USD',
      },
    );
    expect(costOf({ ...zero, promptTokens: 1 }, 'm', table)?.amount).toBe(0.000002);
  });

  it('has no cost for a model it has no price for, and never guesses from a similar name', () => {
    expect(costOf({ ...zero, promptTokens: 10 }, 'unknown-model', table)).toBeUndefined();
    expect(findPrice('m-pro', table)).toBeUndefined();
    expect(findPrice('claude-sonnet', DEFAULT_PRICES)).toBeUndefined();
  });
});

describe('findPrice', () => {
  it('matches the exact name, an alias, then the name without a dated suffix', () => {
    expect(findPrice('m', table)).toBe(table.m);
    expect(findPrice('m-0', table)).toBe(table.m);
    expect(findPrice('m-20250929', table)).toBe(table.m);
    expect(findPrice('m-2024-08-06', table)).toBe(table.m);
    expect(findPrice('claude-sonnet-4-5-20250929', DEFAULT_PRICES)?.input).toBe(3);
    expect(findPrice('claude-haiku-4-5-20251001', DEFAULT_PRICES)?.output).toBe(5);
    expect(findPrice('claude-sonnet-4-20250514', DEFAULT_PRICES)?.cachedInput).toBe(0.3);
    expect(findPrice('claude-3-5-haiku-20241022', DEFAULT_PRICES)?.input).toBe(0.8);
  });
});

describe('the shipped table', () => {
  it('names a source and a date for every price, in USD', () => {
    const entries = Object.entries(DEFAULT_PRICES);
    expect(entries.length).toBeGreaterThan(5);
    for (const [, price] of entries) {
      expect(price.source).toMatch(/^https:\/\//);
      expect(price.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.currency).toBe('USD');
      expect(price.input).toBeGreaterThan(0);
      expect(price.output).toBeGreaterThan(price.input);
    }
  });

  it('prices the current models of each provider it ships: Anthropic, OpenAI and Gemini', () => {
    expect(findPrice('claude-sonnet-4-5', DEFAULT_PRICES)?.input).toBe(3);
    expect(findPrice('gpt-5.4-mini', DEFAULT_PRICES)).toMatchObject({ input: 0.75, cachedInput: 0.075, output: 4.5 });
    expect(findPrice('gpt-5.5-2026-04-23', DEFAULT_PRICES)?.output).toBe(30);
    expect(findPrice('gemini-3.5-flash', DEFAULT_PRICES)).toMatchObject({ input: 1.5, output: 9 });
    expect(findPrice('gemini-3.1-pro-preview', DEFAULT_PRICES)).toMatchObject({ input: 2, output: 12 });
    // Read through a transcription, each such entry says which.
    for (const name of ['gpt-5.4', 'gemini-3.5-flash']) expect(DEFAULT_PRICES[name]?.via).toMatch(/^https:\/\//);
  });
});

describe('mergePrices', () => {
  it('overrides fields of a shipped model and adds new ones', () => {
    const merged = mergePrices(table, { m: { input: 3 }, fresh: { input: 1, output: 2 } });
    expect(merged.m).toMatchObject({ input: 3, output: 10, cachedInput: 0.5 });
    expect(merged.fresh).toEqual({ input: 1, output: 2, currency: 'USD' });
    expect(table.m!.input).toBe(2);
  });

  it('refuses a new model without input or output, and negative rates', () => {
    expect(() => mergePrices(table, { fresh: { input: 1 } })).toThrow(/'fresh'.*needs 'input' and 'output'/);
    expect(() => mergePrices(table, { m: { output: -1 } })).toThrow(/'output' must be a number of at least 0/);
  });
});

describe('createUsagePricer', () => {
  it('logs an unknown model once, at debug level', () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const price = createUsagePricer(table, logger);
    expect(price({ ...zero, promptTokens: 5 }, 'nope')).toBeUndefined();
    expect(price({ ...zero, promptTokens: 5 }, 'nope')).toBeUndefined();
    expect(price({ ...zero, promptTokens: 5 }, 'm')).toBeDefined();
    expect(logger.debug).toHaveBeenCalledTimes(1);
    expect(logger.debug.mock.calls[0]![0]).toEqual({ model: 'nope' });
  });
});
