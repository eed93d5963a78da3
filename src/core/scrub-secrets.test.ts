import { describe, expect, it } from 'vitest';
import { scrubSecrets, secretVariants } from './scrub-secrets.js';

const SECRET = 'sk-ant/Key+with=odd chars!~*(x)';
const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const b64url = (s: string) => b64(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('scrubSecrets', () => {
  it('replaces the secret as it is', () => {
    expect(scrubSecrets(`bad key ${SECRET}.`, [SECRET])).toBe('bad key [redacted].');
  });

  it.each([
    ['encodeURIComponent', encodeURIComponent(SECRET)],
    ['form encoding (+ for spaces)', new URLSearchParams({ k: SECRET }).toString().slice(2)],
    ['encodeURIComponent with + for spaces', encodeURIComponent(SECRET).replace(/%20/g, '+')],
    ['lower-case percent escapes', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['base64', b64(SECRET)],
    ['base64 without padding', b64(SECRET).replace(/=+$/, '')],
    ['base64url', b64url(SECRET)],
  ])('replaces its %s form', (_name, form) => {
    expect(form).not.toBe(SECRET);
    const out = scrubSecrets(`echo: ${form} end`, secretVariants(SECRET));
    expect(out).not.toContain(form);
    expect(out).toContain('[redacted]');
    expect(out.startsWith('echo: ')).toBe(true);
    expect(out.endsWith(' end')).toBe(true);
  });

  it('replaces its JSON-escaped form', () => {
    const secret = 'key"with\\quote';
    const escaped = JSON.stringify(secret).slice(1, -1);
    expect(scrubSecrets(`{"echo":"${escaped}"}`, secretVariants(secret))).toBe('{"echo":"[redacted]"}');
  });

  it.each([0, 1, 2, 3, 4, 5])(
    'finds the secret base64-encoded inside a longer base64 value (%i bytes before it)',
    (before) => {
      const prefix = 'u'.repeat(before);
      for (const encode of [b64, b64url]) {
        const blob = encode(`${prefix}${SECRET}:tail`);
        const out = scrubSecrets(`token=${blob}`, secretVariants(SECRET));
        expect(out).not.toContain(blob);
        // What is left of the blob carries at most a few bits of the secret at each end.
        const left = out.replace('token=', '').split('[redacted]');
        expect(left).toHaveLength(2);
        expect(left[0]!.length).toBeLessThanOrEqual(Math.ceil((before * 8) / 6) + 1);
      }
    },
  );

  it('finds the base64 of user:secret (Basic authentication)', () => {
    const basic = b64(`someone:${SECRET}`);
    expect(scrubSecrets(`Authorization: Basic ${basic}`, secretVariants(SECRET))).not.toContain(basic.slice(12, 40));
  });

  it('leaves text alone that holds no form of the secret', () => {
    const text = 'model not found: claude-x (request req_1)';
    expect(scrubSecrets(text, secretVariants(SECRET))).toBe(text);
  });

  it('ignores secrets shorter than 4 characters', () => {
    expect(scrubSecrets('a b c abc', ['abc'])).toBe('a b c abc');
    expect(secretVariants('abc')).toEqual([]);
  });

  it('lists each variant once, longest first', () => {
    const variants = secretVariants('plainsecretvalue');
    expect(new Set(variants).size).toBe(variants.length);
    const lengths = variants.map((v) => v.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(variants).toContain('plainsecretvalue');
    expect(variants).toContain(b64('plainsecretvalue'));
  });
});
