import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createCliLogger } from './logger.js';

function capture() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      writes.push(String(chunk));
      done();
    },
  });
  return { stream, writes };
}

describe('createCliLogger', () => {
  it('writes the lines logged in one turn of the event loop as one write, in order', async () => {
    const { stream, writes } = capture();
    const logger = createCliLogger({ stream, format: 'json' });
    for (let i = 0; i < 50; i++) logger.info({ i }, 'request');
    expect(writes).toHaveLength(0);
    await nextTurn();
    expect(writes).toHaveLength(1);
    const lines = writes[0]!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { i: number; msg: string });
    expect(lines.map((line) => line.i)).toEqual([...Array(50).keys()]);
    expect(lines.every((line) => line.msg === 'request')).toBe(true);
  });

  it('writes an error at once, after what was queued before it', () => {
    const { stream, writes } = capture();
    const logger = createCliLogger({ stream, format: 'text' });
    logger.info({ a: 1 }, 'first');
    logger.error({ b: 2 }, 'broke');
    expect(writes).toHaveLength(1);
    const [first, second] = writes[0]!.trimEnd().split('\n');
    expect(first).toMatch(/INFO {2}first a=1$/);
    expect(second).toMatch(/ERROR broke b=2$/);
  });

  it('flush() writes what is queued, and a large backlog is written without waiting for the turn', async () => {
    const { stream, writes } = capture();
    const logger = createCliLogger({ stream, format: 'json' });
    logger.warn({}, 'queued');
    logger.flush();
    expect(writes).toEqual([expect.stringContaining('"msg":"queued"')]);
    const big = 'x'.repeat(1024);
    for (let i = 0; i < 100; i++) logger.info({ big }, 'big');
    expect(writes.length).toBeGreaterThan(1);
    await nextTurn();
    const total = writes.join('').trimEnd().split('\n');
    expect(total).toHaveLength(101);
  });

  it('cuts a batch at line ends into writes of at most 4096 bytes (atomic on a shared pipe)', async () => {
    const { stream, writes } = capture();
    const logger = createCliLogger({ stream, format: 'json' });
    const text = 'y'.repeat(300);
    for (let i = 0; i < 40; i++) logger.info({ i, text }, 'line');
    await nextTurn();
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.length).toBeLessThan(10);
    for (const write of writes) {
      expect(write.length).toBeLessThanOrEqual(4096);
      expect(write.endsWith('\n')).toBe(true);
    }
    const numbers = writes
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { i: number }).i);
    expect(numbers).toEqual([...Array(40).keys()]);
  });

  it('drops lines below the level', async () => {
    const { stream, writes } = capture();
    const logger = createCliLogger({ stream, level: 'warn' });
    logger.info({}, 'hidden');
    logger.debug({}, 'hidden');
    logger.warn({}, 'shown');
    await nextTurn();
    expect(writes.join('')).not.toContain('hidden');
    expect(writes.join('')).toContain('shown');
  });
});
