import { describe, expect, it } from 'vitest';
import { MemoryUsageSink } from './memory-usage-sink.js';
import type { StoredUsageRecord } from './types.js';
import { usageRecord as rec } from './usage-fixtures.test-helpers.js';

const ids = (list: StoredUsageRecord[]) => list.map((r) => r.requestId);

describe('MemoryUsageSink', () => {
  it('keeps the newest records up to its capacity, oldest out first', async () => {
    const sink = new MemoryUsageSink({ capacity: 3 });
    for (let i = 1; i <= 5; i++) sink.write(rec({ requestId: `r${i}` }));
    expect(sink.size).toBe(3);
    expect([...sink.entries()].map((r) => r.requestId)).toEqual(['r3', 'r4', 'r5']);
    expect(ids((await sink.records()).records)).toEqual(['r5', 'r4', 'r3']);
    expect((await sink.aggregate())[0]!.requests).toBe(3);
  });

  it('pages newest first, and a page is stable while records are added', async () => {
    const sink = new MemoryUsageSink({ capacity: 100 });
    for (let i = 1; i <= 7; i++) sink.write(rec({ requestId: `r${i}` }));
    const first = await sink.records({ limit: 3 });
    expect(ids(first.records)).toEqual(['r7', 'r6', 'r5']);
    for (let i = 8; i <= 10; i++) sink.write(rec({ requestId: `r${i}` }));
    const second = await sink.records({ limit: 3, cursor: first.nextCursor! });
    expect(ids(second.records)).toEqual(['r4', 'r3', 'r2']);
    const third = await sink.records({ limit: 3, cursor: second.nextCursor! });
    expect(ids(third.records)).toEqual(['r1']);
    expect(third.nextCursor).toBeUndefined();
  });

  it('filters pages and leaves out records past retention', async () => {
    let now = Date.UTC(2026, 0, 15, 12);
    const sink = new MemoryUsageSink({ retentionMs: 3_600_000, now: () => now });
    sink.write(rec({ requestId: 'old', timestamp: now - 2 * 3_600_000 }));
    sink.write(rec({ requestId: 'a', timestamp: now - 1000, principal: 'alice' }));
    sink.write(rec({ requestId: 'b', timestamp: now, principal: 'bob' }));
    expect(ids((await sink.records()).records)).toEqual(['b', 'a']);
    expect(ids((await sink.records({ principal: 'alice' })).records)).toEqual(['a']);
    now += 3_600_000;
    expect(ids((await sink.records()).records)).toEqual(['b']);
    expect((await sink.aggregate())[0]!.requests).toBe(1);
  });
});
