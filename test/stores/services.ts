// Reachability of the PostgreSQL and Redis the store tests need, and how a test file reacts when one is
// missing: in CI (process.env.CI set) the suite fails, so a broken service never passes silently;
// elsewhere it is skipped with a message saying what to start.

import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, it } from 'vitest';

export const PG_DSN = process.env.PGSTORE_TEST_DSN ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export interface Service {
  name: string;
  where: string;
  up: boolean;
  problem?: string;
}

export async function probePostgres(): Promise<Service> {
  const client = new pg.Client({ connectionString: PG_DSN, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { name: 'PostgreSQL', where: PG_DSN, up: true };
  } catch (err) {
    return { name: 'PostgreSQL', where: PG_DSN, up: false, problem: (err as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

export async function probeRedis(): Promise<Service> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return { name: 'Redis', where: REDIS_URL, up: true };
  } catch (err) {
    return { name: 'Redis', where: REDIS_URL, up: false, problem: (err as Error).message };
  } finally {
    redis.disconnect();
  }
}

/** `describe` when every service is up; otherwise a failing test in CI, or a skip with a console note. */
export function describeWithServices(title: string, services: readonly Service[], body: () => void): void {
  const down = services.filter((s) => !s.up);
  if (down.length === 0) {
    describe(title, body);
    return;
  }
  const why = down.map((s) => `${s.name} at ${s.where} is unreachable (${s.problem ?? 'no answer'})`).join('; ');
  if (process.env.CI) {
    describe(title, () => {
      it('needs its services', () => {
        throw new Error(`${why}. CI must provide them.`);
      });
    });
    return;
  }
  console.warn(`[switchyard tests] skipping "${title}": ${why}. Start it, or set CI=1 to make this a failure.`);
  // The body is not run: it would open clients against the missing service.
  describe.skip(title, () => {
    it(`needs ${down.map((s) => s.name).join(' and ')}`, () => {});
  });
}

/** A name unique to this test run, usable as a schema or a key prefix. */
export function runId(kind: string): string {
  return `sy_${kind}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}
