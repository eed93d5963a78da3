import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets, prepareBody, secretMasker } from './proxy-bodies.js';

const enc = new TextEncoder();
const SECRET = 'secret-key-123456';

async function collect(stream: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(Buffer.from(chunk).toString());
  return out;
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield enc.encode(part);
}

describe('maskSecrets', () => {
  it('masks a secret inside a chunk with stars of the same length', async () => {
    expect((await collect(maskSecrets(chunks(`a ${SECRET} b`), [enc.encode(SECRET)]))).join('')).toBe(
      `a ${'*'.repeat(SECRET.length)} b`,
    );
  });

  it('masks a secret split over three chunks', async () => {
    const out = await collect(
      maskSecrets(chunks('x', SECRET.slice(0, 3), SECRET.slice(3, 9), `${SECRET.slice(9)}y`), [enc.encode(SECRET)]),
    );
    expect(out.join('')).toBe(`x${'*'.repeat(SECRET.length)}y`);
  });

  it('passes a chunk that cannot start the secret on whole, holding back nothing', async () => {
    const out = await collect(maskSecrets(chunks('data: {"a":1}\n\n', 'data: {"b":2}\n\n'), [enc.encode(SECRET)]));
    expect(out).toEqual(['data: {"a":1}\n\n', 'data: {"b":2}\n\n']);
  });

  it('masks every secret whatever the chunks, and changes no byte outside an occurrence', () => {
    const secrets = ['abab', 'ba', 'aab'];
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 8 }),
        (text, cuts) => {
          const points = [...new Set(cuts.filter((c) => c < text.length))].sort((x, y) => x - y);
          const parts = [0, ...points, text.length]
            .slice(1)
            .map((end, i, ends) => text.slice(i ? ends[i - 1] : 0, end));
          const masker = secretMasker(secrets.map((x) => enc.encode(x)));
          let out = '';
          for (const part of parts)
            for (const piece of masker.push(enc.encode(part))) out += Buffer.from(piece).toString();
          out += Buffer.from(masker.flush() ?? new Uint8Array()).toString();
          expect(out).toHaveLength(text.length);
          for (const secret of secrets) expect(out).not.toContain(secret);
          const covered = new Set<number>();
          for (const secret of secrets) {
            for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
              for (let i = at; i < at + secret.length; i++) covered.add(i);
            }
          }
          for (let i = 0; i < text.length; i++) if (!covered.has(i)) expect(out[i]).toBe(text[i]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('masks a secret that cannot overlap itself exactly as on the whole text, whatever the chunks', () => {
    const secret = 'aabc';
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 12 }),
        (text, sizes) => {
          const masker = secretMasker([enc.encode(secret)]);
          let out = '';
          let at = 0;
          for (const size of [...sizes, text.length]) {
            const part = text.slice(at, at + size);
            at += part.length;
            for (const piece of masker.push(enc.encode(part))) out += Buffer.from(piece).toString();
          }
          out += Buffer.from(masker.flush() ?? new Uint8Array()).toString();
          expect(out).toBe(text.replaceAll(secret, '****'));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('passes a large chunk on without copying it when a tail was held before it', () => {
    const masker = secretMasker([enc.encode(SECRET)]);
    expect(masker.push(enc.encode('xxxs'))).toHaveLength(1); // holds the 's'
    const big = new Uint8Array(64 * 1024).fill(0x62);
    const out = masker.push(big);
    expect(out.map((o) => o.byteLength)).toEqual([1, big.byteLength]);
    expect(out[1]!.buffer).toBe(big.buffer);
  });

  it('releases a held tail that turned out not to be the secret', async () => {
    const out = await collect(maskSecrets(chunks('abc secret-', 'nope'), [enc.encode(SECRET)]));
    expect(out.join('')).toBe('abc secret-nope');
  });
});

describe('prepareBody', () => {
  it('keeps a body up to the limit for replay', async () => {
    const body = await prepareBody(chunks('ab', 'cd'), 4, undefined);
    expect(body.kind).toBe('bytes');
    if (body.kind === 'bytes') expect(Buffer.from(body.bytes).toString()).toBe('abcd');
  });

  it('streams a body past the limit, what was read first included', async () => {
    const body = await prepareBody(chunks('ab', 'cd', 'ef'), 3, undefined);
    expect(body.kind).toBe('stream');
    if (body.kind === 'stream') expect((await collect(body.stream)).join('')).toBe('abcdef');
  });

  it('does not read a body whose content-length is past the limit', async () => {
    let read = false;
    const source = {
      async *[Symbol.asyncIterator]() {
        read = true;
        yield enc.encode('x');
      },
    };
    const body = await prepareBody(source, 3, 10);
    expect(body.kind).toBe('stream');
    expect(read).toBe(false);
  });

  it('serialises a parsed JSON body', async () => {
    const body = await prepareBody({ a: 1 }, 100, undefined);
    expect(body.kind === 'bytes' && Buffer.from(body.bytes).toString()).toBe('{"a":1}');
  });
});
