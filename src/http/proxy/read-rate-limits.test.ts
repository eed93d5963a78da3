import { describe, expect, it } from 'vitest';
import { readRateLimits } from './read-rate-limits.js';

const NOW = 1_700_000_000_000;

describe('readRateLimits', () => {
  const rows: Array<[string, Record<string, string>, { remaining?: number; resetAt?: number } | undefined]> = [
    ['none', { 'content-type': 'x' }, undefined],
    [
      'x-ratelimit-* seconds to go',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' },
      { remaining: 0, resetAt: NOW + 30_000 },
    ],
    [
      'x-ratelimit-reset as epoch seconds (GitHub)',
      { 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '1700000600' },
      { remaining: 4, resetAt: 1_700_000_600_000 },
    ],
    ['x-ratelimit-reset as epoch ms', { 'x-ratelimit-reset': '1700000600000' }, { resetAt: 1_700_000_600_000 }],
    [
      'x-rate-limit-* (X)',
      { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1700000060' },
      { remaining: 0, resetAt: NOW + 60_000 },
    ],
    [
      'ratelimit-* (IETF draft)',
      { 'ratelimit-remaining': '0', 'ratelimit-reset': '5' },
      { remaining: 0, resetAt: NOW + 5_000 },
    ],
    ['structured ratelimit', { ratelimit: '"default";r=0;t=12' }, { remaining: 0, resetAt: NOW + 12_000 }],
    [
      'OpenAI request durations',
      { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s' },
      { remaining: 0, resetAt: NOW + 360_000 },
    ],
    ['garbage', { 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': 'soon' }, undefined],
  ];
  for (const [name, headers, expected] of rows) {
    it(name, () => {
      const snapshot = readRateLimits(headers, NOW);
      if (!expected) {
        expect(snapshot).toBeUndefined();
        return;
      }
      expect(snapshot?.remainingRequests).toBe(expected.remaining);
      expect(snapshot?.requestsResetAt).toBe(expected.resetAt);
    });
  }
});
