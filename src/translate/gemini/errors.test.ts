import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geminiErrorFromCanonical, geminiErrorToCanonical } from './errors.js';

const rateLimit = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/gemini/rate-limit.error.json', import.meta.url), 'utf8'),
);
const body = (code: number, status: string, message = 'm') => ({ error: { code, message, status } });

describe('gemini errors', () => {
  it.each([
    [400, 'INVALID_ARGUMENT', 'invalid_request'],
    [400, 'FAILED_PRECONDITION', 'invalid_request'],
    [401, 'UNAUTHENTICATED', 'unauthorized'],
    [403, 'PERMISSION_DENIED', 'forbidden'],
    [404, 'NOT_FOUND', 'not_found'],
    [429, 'RESOURCE_EXHAUSTED', 'rate_limited'],
    [500, 'INTERNAL', 'upstream_error'],
    [503, 'UNAVAILABLE', 'overloaded'],
    [504, 'DEADLINE_EXCEEDED', 'timeout'],
  ])('%i %s → %s, and back', (status, google, kind) => {
    const canonical = geminiErrorToCanonical(status, body(status, google));
    expect(canonical).toEqual({ status, message: 'm', kind, providerCode: google });
    expect(geminiErrorFromCanonical(canonical)).toEqual({ status, body: body(status, google) });
  });

  it('reads RetryInfo and a per-model daily QuotaFailure', () => {
    expect(geminiErrorToCanonical(429, rateLimit)).toEqual({
      status: 429,
      kind: 'quota_exhausted',
      credentialWide: false,
      retryAfterMs: 31_000,
      providerCode: 'RESOURCE_EXHAUSTED',
      message: 'You exceeded your current quota, please check your plan and billing details.',
    });
    const project = structuredClone(rateLimit);
    project.error.details[0].violations[0].quotaId = 'GenerateRequestsPerDayPerProject';
    expect(geminiErrorToCanonical(429, [project])).toMatchObject({ kind: 'quota_exhausted', credentialWide: true });
  });

  it('treats API_KEY_INVALID as unauthorized and handles text bodies and headers', () => {
    const keyInvalid = {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ],
      },
    };
    expect(geminiErrorToCanonical(400, keyInvalid).kind).toBe('unauthorized');
    expect(geminiErrorToCanonical(502, '<html>Bad Gateway</html>', { 'retry-after': '3' })).toEqual({
      status: 502,
      kind: 'upstream_error',
      message: '<html>Bad Gateway</html>',
      retryAfterMs: 3000,
    });
    expect(geminiErrorToCanonical(429, JSON.stringify(rateLimit)).retryAfterMs).toBe(31_000);
  });

  it('renders Anthropic overload and a retry hint in Google shape', () => {
    expect(
      geminiErrorFromCanonical({ status: 529, kind: 'overloaded', message: 'Overloaded', retryAfterMs: 1500 }),
    ).toEqual({
      status: 503,
      body: {
        error: {
          code: 503,
          message: 'Overloaded',
          status: 'UNAVAILABLE',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
        },
      },
    });
  });
});
