import { describe, expect, it } from 'vitest';
import { readAnthropicQuota } from '../../src/executors/anthropic/read-anthropic-quota.js';
import { resolveUrl } from '../../src/executors/base/resolve-url.js';
import { summariseErrorBody } from '../../src/executors/base/summarise-error-body.js';
import { kindFromStatus, parseGoogleDuration, parseOpenAIDuration } from '../../src/executors/index.js';
import { readOpenAIQuota } from '../../src/executors/openai/read-openai-quota.js';

describe('parseOpenAIDuration', () => {
  it.each([
    ['1s', 1_000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['', undefined],
    ['soon', undefined],
    ['5 s', undefined],
  ])('%s → %s', (value, ms) => expect(parseOpenAIDuration(value)).toBe(ms));
});

describe('readOpenAIQuota', () => {
  it('reads remaining counts and reset durations', () => {
    const quota = readOpenAIQuota(
      {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '100',
        'x-ratelimit-reset-tokens': '6m0s',
      },
      1_000,
    );
    expect(quota).toEqual({
      at: 1_000,
      remainingRequests: 0,
      requestsResetAt: 2_000,
      remainingTokens: 100,
      tokensResetAt: 361_000,
    });
  });
  it('is undefined without rate-limit headers', () =>
    expect(readOpenAIQuota({ 'content-type': 'x' }, 0)).toBeUndefined());
});

describe('readAnthropicQuota', () => {
  it('reports the token bucket with the fewest tokens left', () => {
    const quota = readAnthropicQuota(
      {
        'anthropic-ratelimit-tokens-remaining': '5000',
        'anthropic-ratelimit-tokens-reset': '2030-01-01T00:01:00Z',
        'anthropic-ratelimit-output-tokens-remaining': '0',
        'anthropic-ratelimit-output-tokens-reset': '2030-01-01T00:00:30Z',
      },
      0,
    );
    expect(quota).toEqual({ at: 0, remainingTokens: 0, tokensResetAt: Date.parse('2030-01-01T00:00:30Z') });
  });
});

describe('parseGoogleDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['0.000001s', 0],
    ['30', undefined],
    [30, undefined],
  ])('%s → %s', (value, ms) => expect(parseGoogleDuration(value)).toBe(ms));
});

describe('kindFromStatus', () => {
  it.each([
    [400, 'invalid_request'],
    [401, 'unauthorized'],
    [402, 'quota_exhausted'],
    [403, 'forbidden'],
    [404, 'endpoint_not_found'],
    [408, 'timeout'],
    [413, 'invalid_request'],
    [422, 'invalid_request'],
    [429, 'rate_limited'],
    [500, 'upstream_error'],
    [502, 'upstream_error'],
    // 503 is the upstream overloaded or unavailable (one status table for every dialect).
    [503, 'overloaded'],
    [529, 'overloaded'],
  ] as const)('%i → %s', (status, kind) => expect(kindFromStatus(status)).toBe(kind));
});

describe('summariseErrorBody', () => {
  it('keeps only the title of an HTML page', () => {
    expect(summariseErrorBody('<!DOCTYPE html><html><title> 503  Service\nUnavailable</title>…', undefined)).toEqual({
      json: undefined,
      text: '503 Service Unavailable',
    });
  });
  it('parses JSON and truncates long text', () => {
    expect(summariseErrorBody('{"error":{"message":"x"}}', 'application/json').json).toEqual({
      error: { message: 'x' },
    });
    expect(summariseErrorBody('y'.repeat(5_000), 'text/plain').text.length).toBeLessThan(1_010);
  });
});

describe('resolveUrl', () => {
  it('keeps the base path of compatible services', () => {
    expect(resolveUrl('https://openrouter.ai/api/v1/', '/chat/completions')).toEqual({
      origin: 'https://openrouter.ai',
      path: '/api/v1/chat/completions',
      host: 'openrouter.ai',
    });
  });
});
