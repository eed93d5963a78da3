import { describe, expect, it } from 'vitest';
import { errorFromCanonical, errorToCanonical } from './errors.js';

describe('openai-responses errors', () => {
  it.each([
    [
      429,
      { error: { message: 'Quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
      'quota_exhausted',
    ],
    [429, { error: { message: 'Slow', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, 'rate_limited'],
    [
      401,
      { error: { message: 'Bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
      'unauthorized',
    ],
    [403, { error: { message: 'No', type: 'invalid_request_error', param: null, code: null } }, 'forbidden'],
    [
      404,
      { error: { message: 'No model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } },
      'not_found',
    ],
    [400, { error: { message: 'Bad', type: 'invalid_request_error', param: 'input', code: null } }, 'invalid_request'],
    [413, 'Request Entity Too Large', 'invalid_request'],
    [422, { error: { message: 'Bad' } }, 'invalid_request'],
    [500, { error: { message: 'Oops', type: 'server_error', param: null, code: null } }, 'upstream_error'],
    [503, '<html><title>503 Service Unavailable</title></html>', 'overloaded'],
  ])('maps %i %j to %s', (status, body, kind) => {
    expect(errorToCanonical(status, body).kind).toBe(kind);
  });

  it('keeps message, param, code and retry hints; quota is credential-wide', () => {
    expect(
      errorToCanonical(
        429,
        JSON.stringify({
          error: {
            message: 'You exceeded your current quota',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        }),
        { 'retry-after': '3' },
      ),
    ).toEqual({
      status: 429,
      kind: 'quota_exhausted',
      message: 'You exceeded your current quota',
      providerCode: 'insufficient_quota',
      credentialWide: true,
      retryAfterMs: 3000,
    });
    expect(
      errorToCanonical(400, { error: { message: 'x', type: 'invalid_request_error', param: 'input[0]', code: null } })
        .param,
    ).toBe('input[0]');
    expect(errorToCanonical(502, '<html><title>502 Bad Gateway</title></html>').message).toBe('502 Bad Gateway');
  });

  it("renders OpenAI's error shape", () => {
    expect(errorFromCanonical({ status: 429, kind: 'rate_limited', message: 'Slow down' })).toEqual({
      status: 429,
      body: { error: { message: 'Slow down', type: 'rate_limit_exceeded', param: null, code: 'rate_limit_exceeded' } },
    });
    expect(errorFromCanonical({ status: 400, kind: 'invalid_request', message: 'Bad', param: 'input' }).body).toEqual({
      error: { message: 'Bad', type: 'invalid_request_error', param: 'input', code: null },
    });
  });
});
