import { beforeEach, describe, expect, it, vi } from 'vitest';

// Spy on the constant-time comparison the key check must go through.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const crypto = await import('node:crypto');
const { ClientKeys, isLoopback, presentedDigest, presentedKey } = await import('../../src/http/client-auth.js');

describe('client keys', () => {
  beforeEach(() => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
  });

  it('compares SHA-256 digests with timingSafeEqual against every key, matching or not', () => {
    const keys = new ClientKeys(['first-key', 'second-key'], [{ key: 'third-key', principal: 'carol', rpm: 5 }]);
    expect(keys.find('first-key')?.principal).toMatch(/^key:[0-9a-f]{8}$/);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(3);
    for (const [a, b] of vi.mocked(crypto.timingSafeEqual).mock.calls) {
      expect((a as Buffer).byteLength).toBe(32);
      expect((b as Buffer).byteLength).toBe(32);
    }
    vi.mocked(crypto.timingSafeEqual).mockClear();
    // A short, a long and a wrong key all cost the same comparisons.
    expect(keys.find('x')).toBeUndefined();
    expect(keys.find('x'.repeat(10_000))).toBeUndefined();
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(6);
    expect(keys.find('third-key')).toMatchObject({ principal: 'carol', rpm: 5 });
  });

  it('reads the key the way each SDK sends it', () => {
    const base = { method: 'POST', path: '/', body: null, signal: new AbortController().signal };
    expect(presentedKey({ ...base, query: {}, headers: { authorization: 'Bearer k1' } })).toBe('k1');
    expect(presentedKey({ ...base, query: {}, headers: { authorization: 'bearer k1' } })).toBe('k1');
    expect(presentedKey({ ...base, query: {}, headers: { 'x-api-key': 'k2' } })).toBe('k2');
    expect(presentedKey({ ...base, query: {}, headers: { 'x-goog-api-key': 'k3' } })).toBe('k3');
    expect(presentedKey({ ...base, query: new URLSearchParams('key=k4'), headers: {} })).toBe('k4');
    expect(presentedKey({ ...base, query: { key: 'k5' }, headers: {} })).toBe('k5');
    expect(presentedKey({ ...base, query: {}, headers: { authorization: 'Basic abc' } })).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.8.9.10')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});

describe('presentedDigest', () => {
  it('is the SHA-256 of the key, computed once per distinct key among the last 1,024', () => {
    const key = `sk-digest-${Math.random()}`;
    const first = presentedDigest(key);
    expect(first.toString('hex')).toBe(crypto.createHash('sha256').update(key).digest('hex'));
    expect(presentedDigest(key)).toBe(first);
    for (let i = 0; i < 1_024; i++) presentedDigest(`sk-flood-${i}`);
    // Pushed out by the flood: computed again, to the same value.
    const again = presentedDigest(key);
    expect(again).not.toBe(first);
    expect(again.equals(first)).toBe(true);
  });
});
