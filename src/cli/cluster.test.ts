import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../core/logger.js';
import {
  clusterStateStore,
  createLockTable,
  type PrimaryChannel,
  parseWorkers,
  type ToPrimary,
  type ToWorker,
  tagLogger,
} from './cluster.js';

describe('parseWorkers', () => {
  it('takes a whole number from 1 to 1024, or auto', () => {
    expect(parseWorkers('1')).toBe(1);
    expect(parseWorkers('4')).toBe(4);
    expect(parseWorkers(2, 'workers')).toBe(2);
    expect(parseWorkers('auto')).toBe(availableParallelism());
  });

  it('refuses anything else, saying what it takes', () => {
    for (const value of ['0', '-2', '1.5', '2x', '', 'AUTO', '1025', '0x10', '1e1']) {
      expect(() => parseWorkers(value)).toThrow(
        /--workers must be a whole number of processes from 1 to 1024, or "auto"/,
      );
    }
    expect(() => parseWorkers(0, 'workers (in the config file)')).toThrow(/^workers \(in the config file\) must be/);
  });
});

describe('tagLogger', () => {
  it('adds the worker and the pid to every line, after the entry’s own fields', () => {
    const lines: Array<[Record<string, unknown>, string | undefined]> = [];
    const record = (obj: Record<string, unknown>, msg?: string) => lines.push([obj, msg]);
    const base: Logger = { debug: record, info: record, warn: record, error: record };
    const logger = tagLogger(base, 2);
    logger.info({ status: 200 }, 'request');
    logger.error({}, 'boom');
    expect(lines).toEqual([
      [{ status: 200, worker: 2, pid: process.pid }, 'request'],
      [{ worker: 2, pid: process.pid }, 'boom'],
    ]);
  });
});

/** Two workers' stores wired to one primary lock table through in-memory channels. */
function wired() {
  const table = createLockTable();
  const worker = (pid: number) => {
    const events = new EventEmitter();
    const channel: PrimaryChannel & { connected: boolean } = {
      connected: true,
      send(message: ToPrimary) {
        const answer: ToWorker | undefined = table.handle(pid, message);
        if (answer) queueMicrotask(() => events.emit('message', answer));
      },
      on: (event, listener) => events.on(event, listener),
    };
    return { channel, store: clusterStateStore(channel, 50) };
  };
  return { table, a: worker(101), b: worker(202) };
}

describe('clusterStateStore: refresh locks held by the primary for every worker', () => {
  it('gives a lock to one worker at a time, and to the next once released', async () => {
    const { a, b } = wired();
    const release = await a.store.lock('refresh:c1', 10_000);
    expect(release).toBeTypeOf('function');
    expect(await b.store.lock('refresh:c1', 10_000)).toBeUndefined();
    // Another credential's lock is free.
    expect(await b.store.lock('refresh:c2', 10_000)).toBeTypeOf('function');
    await release?.();
    expect(await b.store.lock('refresh:c1', 10_000)).toBeTypeOf('function');
  });

  it('frees the locks of a worker that exited', async () => {
    const { table, a, b } = wired();
    expect(await a.store.lock('refresh:c1', 10_000)).toBeTypeOf('function');
    table.releaseAll(101);
    expect(await b.store.lock('refresh:c1', 10_000)).toBeTypeOf('function');
  });

  it('ignores a stale release of a lock that expired and was taken by another worker', async () => {
    const { a, b } = wired();
    const stale = await a.store.lock('refresh:c1', 1);
    await new Promise((r) => setTimeout(r, 5));
    const current = await b.store.lock('refresh:c1', 10_000);
    expect(current).toBeTypeOf('function');
    await stale?.();
    expect(await a.store.lock('refresh:c1', 10_000)).toBeUndefined();
  });

  it('falls back to a local lock when the primary does not answer or is gone', async () => {
    const silent: PrimaryChannel = { connected: true, send: () => undefined, on: () => undefined };
    const store = clusterStateStore(silent, 20);
    const release = await store.lock('refresh:c1', 10_000);
    expect(release).toBeTypeOf('function');
    expect(await store.lock('refresh:c1', 10_000)).toBeUndefined();
    const gone = clusterStateStore({ connected: false, on: () => undefined }, 20);
    expect(await gone.lock('refresh:c1', 10_000)).toBeTypeOf('function');
  });

  it('keeps everything else in the worker’s memory', async () => {
    const { a, b } = wired();
    await a.store.setCooldown({
      credentialId: 'c1',
      model: 'm',
      until: Date.now() + 60_000,
      reason: 'rate_limited',
      strikes: 1,
    });
    expect(await a.store.getCooldown('c1', 'm')).toMatchObject({ credentialId: 'c1' });
    expect(await b.store.getCooldown('c1', 'm')).toBeUndefined();
  });
});
