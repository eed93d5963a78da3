import { describe, expect, it } from 'vitest';
import { anthropicMessagesCodec as codec } from './index.js';

const body = (type: string, message = 'm') => ({ type: 'error', error: { type, message } });

describe('anthropic-messages errors', () => {
  it.each([
    [400, 'invalid_request_error', 'invalid_request'],
    [401, 'authentication_error', 'unauthorized'],
    [402, 'billing_error', 'quota_exhausted'],
    [403, 'permission_error', 'forbidden'],
    [404, 'not_found_error', 'not_found'],
    [413, 'request_too_large', 'invalid_request'],
    [429, 'rate_limit_error', 'rate_limited'],
    [500, 'api_error', 'upstream_error'],
    [504, 'timeout_error', 'timeout'],
    [529, 'overloaded_error', 'overloaded'],
  ])('%i %s ↔ %s', (status, type, kind) => {
    const canonical = codec.errorToCanonical(status, body(type));
    expect(canonical).toMatchObject({ status, kind, providerCode: type, message: 'm' });
    expect(codec.errorFromCanonical(canonical)).toEqual({ status, body: body(type) });
    // Rendered from a kind alone (another dialect's error), the type and status still match.
    const { providerCode: _, ...foreign } = canonical;
    expect(codec.errorFromCanonical(foreign)).toEqual({ status, body: body(type) });
  });

  it('reads JSON text, HTML pages from proxies and retry-after headers', () => {
    expect(
      codec.errorToCanonical(429, JSON.stringify(body('rate_limit_error', 'slow')), { 'retry-after': '7' }),
    ).toEqual({
      status: 429,
      kind: 'rate_limited',
      message: 'slow',
      providerCode: 'rate_limit_error',
      retryAfterMs: 7000,
    });
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>';
    expect(codec.errorToCanonical(502, html)).toEqual({
      status: 502,
      kind: 'upstream_error',
      message: 'Upstream returned HTTP 502: 502 Bad Gateway',
    });
    expect(codec.errorToCanonical(503, undefined)).toMatchObject({ kind: 'overloaded' });
  });

  it('treats an empty credit balance as quota exhaustion of the whole credential', () => {
    expect(
      codec.errorToCanonical(400, body('invalid_request_error', 'Your credit balance is too low to access the API.')),
    ).toMatchObject({ kind: 'quota_exhausted', credentialWide: true });
  });

  it('renders quota exhaustion as rate_limit_error, or billing_error for a 402', () => {
    expect(
      codec.errorFromCanonical({
        status: 429,
        kind: 'quota_exhausted',
        message: 'q',
        providerCode: 'insufficient_quota',
      }),
    ).toEqual({ status: 429, body: body('rate_limit_error', 'q') });
    expect(codec.errorFromCanonical({ status: 402, kind: 'quota_exhausted', message: 'q' })).toEqual({
      status: 402,
      body: body('billing_error', 'q'),
    });
    expect(codec.errorFromCanonical({ status: 502, kind: 'network', message: 'n' })).toEqual({
      status: 502,
      body: body('api_error', 'n'),
    });
  });
});
