/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import html from '../../../test/fixtures/openai-chat/bad-gateway.error.html?raw';
import quota from '../../../test/fixtures/openai-chat/insufficient-quota.error.json' with { type: 'json' };
import modelNotFound from '../../../test/fixtures/openai-chat/model-not-found.error.json' with { type: 'json' };
import rateLimit from '../../../test/fixtures/openai-chat/rate-limit.error.json' with { type: 'json' };
import { errorFromCanonical, errorToCanonical } from './errors.js';

const body = (type: string, code: string | null = null) => ({ error: { message: 'm', type, param: null, code } });

describe('openai-chat errors', () => {
  it('reads insufficient_quota as a credential-wide quota error', () => {
    expect(errorToCanonical(429, quota)).toEqual({
      status: 429,
      kind: 'quota_exhausted',
      message: quota.error.message,
      providerCode: 'insufficient_quota',
      credentialWide: true,
    });
  });

  it('reads a rate limit with the reset of the exhausted limit', () => {
    const error = errorToCanonical(429, JSON.stringify(rateLimit), {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '20s',
      'x-ratelimit-remaining-tokens': '100',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000, providerCode: 'rate_limit_exceeded' });
    expect(errorToCanonical(429, rateLimit, { 'retry-after': '3' }).retryAfterMs).toBe(3000);
  });

  it.each([
    [401, body('invalid_request_error', 'invalid_api_key'), 'unauthorized'],
    [403, body('invalid_request_error', 'unsupported_country_region_territory'), 'forbidden'],
    [404, body('invalid_request_error', 'model_not_found'), 'not_found'],
    [400, body('invalid_request_error', 'context_length_exceeded'), 'invalid_request'],
    [413, 'Request Entity Too Large', 'invalid_request'],
    [422, body('invalid_request_error'), 'invalid_request'],
    [500, body('server_error'), 'upstream_error'],
    [502, html, 'upstream_error'],
    [503, body('server_error', null), 'overloaded'],
    [500, { error: { message: 'The engine is currently overloaded', type: 'server_error' } }, 'overloaded'],
    [408, '', 'timeout'],
    [402, { error: 'billing' }, 'quota_exhausted'],
  ])('maps %i %j to %s', (status, errorBody, kind) => {
    expect(errorToCanonical(status, errorBody).kind).toBe(kind);
  });

  it('reads an HTML page from a proxy by its title', () => {
    expect(errorToCanonical(502, html)).toEqual({ status: 502, kind: 'upstream_error', message: '502 Bad Gateway' });
    expect(errorToCanonical(500, 'x'.repeat(2000)).message).toHaveLength(501);
    expect(errorToCanonical(500, '').message).toBe('Upstream error (HTTP 500)');
  });

  it('gives an in-stream error (HTTP 200) the status of its kind', () => {
    expect(errorToCanonical(200, body('invalid_request_error'))).toMatchObject({
      status: 400,
      kind: 'invalid_request',
    });
    expect(errorToCanonical(200, body('server_error'))).toMatchObject({ status: 502, kind: 'upstream_error' });
  });

  it.each([
    ['invalid_request', 400, 'invalid_request_error', null],
    ['unauthorized', 401, 'authentication_error', 'invalid_api_key'],
    ['forbidden', 403, 'permission_error', null],
    ['not_found', 404, 'not_found_error', null],
    ['rate_limited', 429, 'rate_limit_exceeded', 'rate_limit_exceeded'],
    ['quota_exhausted', 429, 'insufficient_quota', 'insufficient_quota'],
    ['overloaded', 529, 'server_error', 'overloaded'],
    ['upstream_error', 502, 'server_error', null],
    ['no_credentials', 503, 'server_error', 'no_credentials'],
  ])('renders %s as HTTP %i with type %s', (kind, status, type, code) => {
    expect(errorFromCanonical({ kind, status: 0, message: 'boom' })).toEqual({
      status,
      body: { error: { message: 'boom', type, param: null, code } },
    });
  });

  it('round-trips an OpenAI error body and keeps the upstream status', () => {
    for (const [status, errorBody] of [
      [429, quota],
      [429, rateLimit],
      [400, { error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: null } }],
    ] as const) {
      const canonical = errorToCanonical(status, errorBody);
      const back = errorFromCanonical(canonical);
      expect(back.status).toBe(status);
      expect(errorToCanonical(back.status, back.body)).toMatchObject({
        kind: canonical.kind,
        message: canonical.message,
      });
      if (errorBody === quota) expect(back.body).toEqual(quota);
    }
    expect(
      errorFromCanonical(
        errorToCanonical(400, {
          error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: null },
        }),
      ).body,
    ).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: null },
    });
  });

  it('gives an OpenAI caller the upstream type and code exactly as the upstream sent them', () => {
    const contextTooLong = {
      error: { message: 'too long', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
    };
    const quotaBoth = { error: { message: 'q', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } };
    const typeOnly = { error: { message: 's', type: 'server_error', param: null, code: null } };
    for (const [status, errorBody] of [
      [404, modelNotFound],
      [429, rateLimit],
      [400, contextTooLong],
      [429, quotaBoth],
      [500, typeOnly],
    ] as const) {
      const out = errorFromCanonical(errorToCanonical(status, errorBody));
      expect(out.status).toBe(status);
      expect(out.body).toEqual(errorBody);
    }
    // The kind is still read from them: the Manager needs it.
    expect(errorToCanonical(404, modelNotFound).kind).toBe('not_found');
    expect(errorToCanonical(429, rateLimit).kind).toBe('rate_limited');
  });
});
