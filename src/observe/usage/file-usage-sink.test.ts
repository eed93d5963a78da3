import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileUsageSink, type FileUsageSinkOptions } from './file-usage-sink.js';
import { usageRecord as rec } from './usage-fixtures.test-helpers.js';

const H = 3_600_000;
const DAY = 24 * H;

describe('FileUsageSink', () => {
  let dir: string;
  let now: number;
  const sinks: FileUsageSink[] = [];
  const open = async (options: Partial<FileUsageSinkOptions> = {}) => {
    const sink = await FileUsageSink.open({ dir, now: () => now, flushIntervalMs: 60_000, ...options });
    sinks.push(sink);
    return sink;
  };
  const files = async () => (await readdir(dir)).sort();
  /** Request ids of every record in the files, oldest file first. */
  const allIds = async () => {
    const names = await files();
    const ordered = names
      .filter((n) => n !== 'usage.jsonl')
      .concat(names.includes('usage.jsonl') ? ['usage.jsonl'] : []);
    const ids: string[] = [];
    for (const n of ordered) {
      for (const line of (await readFile(join(dir, n), 'utf8')).trim().split('\n'))
        ids.push(JSON.parse(line).requestId);
    }
    return ids;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sy-usage-'));
    now = Date.UTC(2026, 0, 15, 12);
  });
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends JSON lines off the request path and answers queries at once', async () => {
    const sink = await open();
    sink.write(rec({ requestId: 'a', timestamp: now }));
    sink.write(rec({ requestId: 'b', timestamp: now }));
    // Queries see the records before they reach the disk.
    expect((await sink.records()).records.map((r) => r.requestId)).toEqual(['b', 'a']);
    expect(await files()).toEqual([]);
    await sink.flush();
    const lines = (await readFile(join(dir, 'usage.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual(['a', 'b']);
  });

  it('reads back what its files hold within retention after a restart', async () => {
    const first = await open({ retentionMs: 7 * DAY });
    first.write(rec({ requestId: 'old', timestamp: now - 8 * DAY }));
    first.write(
      rec({ requestId: 'a', timestamp: now - DAY, principal: 'alice', cost: { amount: 1, currency: 'USD' } }),
    );
    first.write(rec({ requestId: 'b', timestamp: now, principal: 'alice', cost: { amount: 2, currency: 'USD' } }));
    await first.close();
    const second = await open({ retentionMs: 7 * DAY });
    expect((await second.records()).records.map((r) => r.requestId)).toEqual(['b', 'a']);
    const [alice] = await second.aggregate({ groupBy: ['principal'] });
    expect(alice).toMatchObject({ principal: 'alice', requests: 2, cost: { USD: 3 } });
    second.write(rec({ requestId: 'c', timestamp: now }));
    await second.flush();
    // The current file was started 8 days ago (its first record), so it was rotated before 'c'.
    expect(await allIds()).toEqual(['old', 'a', 'b', 'c']);
    expect(await files()).toHaveLength(2);
  });

  it('skips a line cut short by a crash and keeps the rest', async () => {
    await writeFile(join(dir, 'usage.jsonl'), `${JSON.stringify(rec({ requestId: 'ok', timestamp: now }))}\n{"timest`);
    const sink = await open();
    expect((await sink.records()).records.map((r) => r.requestId)).toEqual(['ok']);
  });

  it('rotates by size', async () => {
    const line = `${JSON.stringify(rec({ timestamp: now }))}\n`.length;
    const sink = await open({ maxBytes: line * 2 + 10 });
    for (let i = 0; i < 5; i++) {
      sink.write(rec({ requestId: `r${i}`, timestamp: now }));
      await sink.flush();
      now += 1;
    }
    const names = await files();
    expect(names).toHaveLength(3);
    expect(names.filter((n) => /^usage-\d{8}T\d{9}Z\.jsonl$/.test(n))).toHaveLength(2);
    expect(names).toContain('usage.jsonl');
    expect(await allIds()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('rotates by age', async () => {
    const sink = await open({ maxAgeMs: H });
    sink.write(rec({ requestId: 'a', timestamp: now }));
    await sink.flush();
    now += H / 2;
    sink.write(rec({ requestId: 'b', timestamp: now }));
    await sink.flush();
    expect(await files()).toEqual(['usage.jsonl']);
    now += H / 2;
    sink.write(rec({ requestId: 'c', timestamp: now }));
    await sink.flush();
    const names = await files();
    expect(names).toEqual(['usage-20260115T130000000Z.jsonl', 'usage.jsonl']);
    expect((await readFile(join(dir, 'usage.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('deletes rotated files past retention, and their records leave the answers', async () => {
    const sink = await open({ maxAgeMs: DAY, retentionMs: 3 * DAY });
    for (let day = 0; day < 6; day++) {
      sink.write(rec({ requestId: `d${day}`, timestamp: now }));
      await sink.flush();
      now += DAY;
    }
    // Each day's file was rotated when the next day's record arrived. Now (Jan 21, 12:00) the ones
    // rotated more than three days ago go.
    expect((await files()).filter((n) => n !== 'usage.jsonl')).toHaveLength(4);
    await sink.prune();
    const rotated = (await files()).filter((n) => n !== 'usage.jsonl');
    expect(rotated).toEqual([
      'usage-20260118T120000000Z.jsonl',
      'usage-20260119T120000000Z.jsonl',
      'usage-20260120T120000000Z.jsonl',
    ]);
    expect((await sink.records()).records.map((r) => r.requestId)).toEqual(['d5', 'd4', 'd3']);
    await sink.close();
    const reopened = await open({ maxAgeMs: DAY, retentionMs: 3 * DAY });
    expect((await reopened.records()).records.map((r) => r.requestId)).toEqual(['d5', 'd4', 'd3']);
    expect(await allIds()).toEqual(['d2', 'd3', 'd4', 'd5']);
  });

  it('drops records past its buffer while the disk fails, and counts them', async () => {
    const sink = await open({ maxPending: 3 });
    await rm(dir, { recursive: true, force: true });
    await writeFile(dir, 'not a directory');
    for (let i = 0; i < 5; i++) sink.write(rec({ requestId: `r${i}` }));
    expect(sink.dropped).toBe(2);
    await sink.flush();
    expect(sink.dropped).toBe(2);
    await rm(dir, { force: true });
  });

  it('gives each writer of a shared directory its own files, and reads back every writer on open', async () => {
    const w1 = await open({ writer: 'w1', maxAgeMs: H });
    const w2 = await open({ writer: 'w2', maxAgeMs: H });
    w1.write(rec({ requestId: 'a1', timestamp: now }));
    w2.write(rec({ requestId: 'b1', timestamp: now }));
    await Promise.all([w1.flush(), w2.flush()]);
    expect(await files()).toEqual(['usage.w1.jsonl', 'usage.w2.jsonl']);
    now += H;
    w1.write(rec({ requestId: 'a2', timestamp: now }));
    await w1.flush();
    // w1 rotated its own file only; w2's keeps being appended to.
    expect(await files()).toEqual(['usage.w1-20260115T130000000Z.jsonl', 'usage.w1.jsonl', 'usage.w2.jsonl']);
    // Each answers from its own records; a process opening the directory later sees them all.
    expect((await w2.records()).records.map((r) => r.requestId)).toEqual(['b1']);
    const later = await open();
    expect((await later.records()).records.map((r) => r.requestId).sort()).toEqual(['a1', 'a2', 'b1']);
    const w1Again = await open({ writer: 'w1' });
    expect((await w1Again.records()).records.map((r) => r.requestId).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('refuses a writer name that could not be told from a rotated file', async () => {
    await expect(FileUsageSink.open({ dir, writer: 'w-1' })).rejects.toThrow(/writer must be letters, digits or '_'/);
  });
});
