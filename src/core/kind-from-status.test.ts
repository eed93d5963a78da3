import { describe, expect, it } from 'vitest';
import { kindForCaller, kindFromStatus, overloadedIfSaid } from './kind-from-status.js';

describe('kindFromStatus (who is at fault, by status alone)', () => {
  it.each([
    [400, 'invalid_request'],
    [401, 'unauthorized'],
    [402, 'quota_exhausted'],
    [403, 'forbidden'],
    [404, 'endpoint_not_found'],
    [405, 'invalid_request'],
    [408, 'timeout'],
    [409, 'invalid_request'],
    [413, 'invalid_request'],
    [422, 'invalid_request'],
    [429, 'rate_limited'],
    [500, 'upstream_error'],
    [501, 'upstream_error'],
    [502, 'upstream_error'],
    [503, 'overloaded'],
    [504, 'timeout'],
    [529, 'overloaded'],
    [302, 'upstream_error'],
  ] as const)('%i → %s', (status, kind) => expect(kindFromStatus(status)).toBe(kind));
});

describe('overloadedIfSaid', () => {
  it('turns a server error that says it is overloaded into overloaded, and nothing else', () => {
    expect(overloadedIfSaid('upstream_error', 500, 'The engine is currently overloaded')).toBe('overloaded');
    expect(overloadedIfSaid('upstream_error', 502, 'Bad Gateway')).toBe('upstream_error');
    expect(overloadedIfSaid('upstream_error', 500, undefined)).toBe('upstream_error');
    expect(overloadedIfSaid('invalid_request', 400, 'overloaded')).toBe('invalid_request');
    expect(overloadedIfSaid('timeout', 504, 'overloaded')).toBe('timeout');
  });
});

describe('kindForCaller', () => {
  it('tells the caller not found for a 404 about the path, and keeps every other kind', () => {
    expect(kindForCaller('endpoint_not_found')).toBe('not_found');
    expect(kindForCaller('not_found')).toBe('not_found');
    expect(kindForCaller('timeout')).toBe('timeout');
  });
});
