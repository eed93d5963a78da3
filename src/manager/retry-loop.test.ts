import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY, withRetries } from './retry-loop.js';

describe('backoffMs', () => {
  const options = { baseDelayMs: 25, maxDelayMs: 2_000 };
  it.each([
    [1, 0, 25],
    [2, 0, 50],
    [3, 0.5, 150],
    [4, 0.999, 399.8],
    [10, 0, 2_000],
    [60, 0.5, 2_000],
  ])('retry %i with jitter %f waits %f ms', (retry, jitter, ms) => {
    expect(backoffMs(retry, options, () => jitter)).toBeCloseTo(ms, 5);
  });
  it('waits nothing with a zero base', () => expect(backoffMs(5, { baseDelayMs: 0, maxDelayMs: 2_000 })).toBe(0));
});

describe('withRetries', () => {
  it('stops at the attempt limit and rethrows the last error', async () => {
    let calls = 0;
    const run = withRetries(
      async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
      () => true,
      { ...DEFAULT_RETRY, attempts: 3, baseDelayMs: 0 },
    );
    await expect(run).rejects.toThrow('failure 3');
    expect(calls).toBe(3);
  });

  it('stops when mayRetry says no', async () => {
    let calls = 0;
    const run = withRetries(
      async () => {
        calls++;
        throw new Error('no');
      },
      () => false,
      { ...DEFAULT_RETRY, baseDelayMs: 0 },
    );
    await expect(run).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  it('an abort cancels the pending wait', async () => {
    const controller = new AbortController();
    const run = withRetries(
      async () => {
        throw new Error('retry me');
      },
      () => true,
      { ...DEFAULT_RETRY, attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      controller.signal,
    );
    controller.abort();
    await expect(run).rejects.toMatchObject({ kind: 'aborted' });
  });
});
