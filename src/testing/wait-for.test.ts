import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('waits while the probe says undefined, null or false, and resolves with its first other value', async () => {
    let calls = 0;
    const answers = [undefined, null, false, 0, 'late'];
    const value = await waitFor(() => answers[calls++]);
    expect(value).toBe(0);
    expect(calls).toBe(4);
  });

  it('a condition that stays false fails after the time given', async () => {
    await expect(waitFor(() => false, 30)).rejects.toThrow('condition not met within 30 ms');
  });
});
