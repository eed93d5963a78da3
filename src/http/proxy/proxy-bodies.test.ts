import { describe, expect, it } from 'vitest';
import { maskSecrets, prepareBody } from './proxy-bodies.js';

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
