import type { Awaitable } from '../core/awaitable.js';
import type { Cooldown, StateStore } from '../manager/state/types.js';
import { ALL_MODELS } from '../manager/state/types.js';
import type { TestApi } from './test-api.js';
import { waitFor } from './wait-for.js';

/** What a {@link StateStoreFactory} hands the contract suite: fresh, empty state per test. */
export interface StateStoreFixture {
  state: StateStore;
  /** A second handle onto the same shared state (another instance). Concurrency and lock tests use both. */
  other?: StateStore;
  /** Called after each test. */
  cleanup?(): Awaitable<void>;
}

/** Builds a fresh fixture for one test. */
export type StateStoreFactory = () => Awaitable<StateStoreFixture>;

/**
 * Registers vitest tests every {@link StateStore} must pass: cooldowns per model and for
 * {@link ALL_MODELS}, their expiry, listing and clearing; round-robin cursors that advance atomically
 * under concurrency (100 concurrent selections see 100 distinct values, across both handles when the
 * factory gives two); in-flight counts; failure counters; sticky bindings with TTL; quota snapshots;
 * fixed rate-limit windows; and locks that exclude others and are released by their owner only.
 *
 * @example
 * ```ts
 * import * as vitest from 'vitest';
 * import { describeStateStoreContract } from 'switchyard/testing';
 * describeStateStoreContract(vitest, 'MyStateStore', () => {
 *   const ns = `t${Date.now()}:`;
 *   return { state: new MyStateStore({ ns }), other: new MyStateStore({ ns }) };
 * });
 * ```
 */
export function describeStateStoreContract(test: TestApi, name: string, factory: StateStoreFactory): void {
  const { describe, it, expect, beforeEach, afterEach } = test;
  describe(`StateStore contract: ${name}`, () => {
    let fixture: StateStoreFixture;
    let a: StateStore;
    let b: StateStore;
    beforeEach(async () => {
      fixture = await factory();
      a = fixture.state;
      b = fixture.other ?? fixture.state;
    });
    afterEach(async () => {
      await fixture.state.close?.();
      if (fixture.other) await fixture.other.close?.();
      await fixture.cleanup?.();
    });

    const cooling = async (store: StateStore, model: string, id: string, now = Date.now()) => {
      const selection = await store.selection({ cursorKey: 'k', model, now });
      const until = selection.unavailable.get(id);
      return until !== undefined && until > now;
    };

    it('cools a credential for one model only', async () => {
      const now = Date.now();
      await a.setCooldown(cooldown('c1', 'm1', now + 60_000));
      expect(await cooling(b, 'm1', 'c1', now)).toBe(true);
      expect(await cooling(b, 'm2', 'c1', now)).toBe(false);
      expect(await cooling(b, 'm1', 'c2', now)).toBe(false);
      expect(await b.getCooldown('c1', 'm1')).toMatchObject({
        credentialId: 'c1',
        model: 'm1',
        reason: 'rate_limited',
      });
      expect(await b.getCooldown('c1', 'm2')).toBeUndefined();
    });

    it('cools a credential for every model with ALL_MODELS, keeping the later until', async () => {
      const now = Date.now();
      await a.setCooldown(cooldown('c1', ALL_MODELS, now + 60_000));
      await a.setCooldown(cooldown('c1', 'm1', now + 120_000));
      expect(await cooling(b, 'm2', 'c1', now)).toBe(true);
      const selection = await b.selection({ cursorKey: 'k', model: 'm1', now });
      expect(selection.unavailable.get('c1')).toBe(now + 120_000);
    });

    it('holds an Infinity cooldown until cleared', async () => {
      const now = Date.now();
      await a.setCooldown({ ...cooldown('c1', ALL_MODELS, Number.POSITIVE_INFINITY), reason: 'unauthorized' });
      expect(await cooling(b, 'm1', 'c1', now + 365 * 86_400_000)).toBe(true);
      expect((await b.getCooldown('c1', ALL_MODELS))!.until).toBe(Number.POSITIVE_INFINITY);
      await b.clearCredential('c1');
      expect(await cooling(a, 'm1', 'c1', now)).toBe(false);
    });

    it('lets cooldowns expire', async () => {
      await a.setCooldown(cooldown('c1', 'm1', Date.now() + 80));
      expect(await cooling(b, 'm1', 'c1')).toBe(true);
      await sleep(150);
      expect(await cooling(b, 'm1', 'c1')).toBe(false);
      expect((await b.listCooldowns(Date.now())).filter((c) => c.credentialId === 'c1')).toEqual([]);
    });

    it('lists, clears one model, and clears a whole credential', async () => {
      const now = Date.now();
      await a.setCooldown(cooldown('c1', 'm1', now + 60_000));
      await a.setCooldown(cooldown('c1', ALL_MODELS, now + 60_000));
      await a.setCooldown(cooldown('c2', 'm1', now + 60_000));
      const listed = await b.listCooldowns(now);
      expect(listed.map((c) => `${c.credentialId}/${c.model}`).sort()).toEqual(['c1/*', 'c1/m1', 'c2/m1']);
      expect(listed.find((c) => c.credentialId === 'c2')).toMatchObject({ until: now + 60_000, strikes: 1 });
      await b.clearCooldown('c1', 'm1');
      expect(await a.getCooldown('c1', 'm1')).toBeUndefined();
      expect(await cooling(a, 'm1', 'c1', now)).toBe(true); // still cooling for all models
      await b.clearCredential('c1');
      expect(await cooling(a, 'm1', 'c1', now)).toBe(false);
      expect((await a.listCooldowns(now)).map((c) => c.credentialId)).toEqual(['c2']);
    });

    it('advances the cursor atomically: 100 concurrent selections see 100 distinct values', async () => {
      const now = Date.now();
      const picks = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? a : b).selection({ cursorKey: 'rr:mock:m1', model: 'm1', now, advanceCursor: true }),
        ),
      );
      const values = picks.map((p) => p.cursor);
      expect(new Set(values).size).toBe(100);
      const peek = await a.selection({ cursorKey: 'rr:mock:m1', model: 'm1', now });
      expect(peek.cursor).toBe(0); // not advanced when not asked
      const next = await b.selection({ cursorKey: 'rr:mock:m1', model: 'm1', now, advanceCursor: true });
      expect(values).not.toContain(next.cursor);
    });

    it('counts requests in flight', async () => {
      expect(await a.acquire('c1')).toBe(1);
      expect(await b.acquire('c1')).toBe(2);
      await a.acquire('c2');
      const withCounts = await b.selection({ cursorKey: 'k', model: 'm1', now: Date.now(), withInFlight: true });
      expect(withCounts.inFlight?.get('c1')).toBe(2);
      a.release('c1');
      b.release('c2');
      await waitFor(async () => {
        const s = await a.selection({ cursorKey: 'k', model: 'm1', now: Date.now(), withInFlight: true });
        return s.inFlight?.get('c1') === 1 && (s.inFlight?.get('c2') ?? 0) === 0 ? true : undefined;
      });
    });

    it('counts consecutive failures until a success', async () => {
      expect(await a.recordFailure('c1')).toBe(1);
      expect(await b.recordFailure('c1')).toBe(2);
      await a.recordSuccess('c1');
      expect(await b.recordFailure('c1')).toBe(1);
    });

    it('keeps a sticky binding for its TTL', async () => {
      await a.setBinding('session-1', 'c1', 100, Date.now());
      expect(await b.getBinding('session-1', Date.now())).toBe('c1');
      expect(await b.getBinding('session-2', Date.now())).toBeUndefined();
      await sleep(160);
      expect(await b.getBinding('session-1', Date.now())).toBeUndefined();
    });

    it('stores quota snapshots', async () => {
      const snapshot = { at: Date.now(), remainingRequests: 0, requestsResetAt: Date.now() + 60_000 };
      await a.setQuota('c1', snapshot);
      expect(await b.getQuota('c1')).toEqual(snapshot);
      expect(await b.getQuota('c2')).toBeUndefined();
    });

    it('sums hits in a fixed window and starts a new one after it resets', async () => {
      const now = Date.now();
      const first = await a.hit('rpm:c1', 1, 100, now);
      expect(first).toEqual({ total: 1, resetAt: now + 100 });
      expect(await b.hit('rpm:c1', 2, 100, now + 10)).toEqual({ total: 3, resetAt: now + 100 });
      expect(await b.hit('rpm:c2', 5, 100, now)).toEqual({ total: 5, resetAt: now + 100 });
      await sleep(150);
      const later = Date.now();
      expect(await a.hit('rpm:c1', 1, 100, later)).toEqual({ total: 1, resetAt: later + 100 });
    });

    it('grants a lock to one holder at a time', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).lock('refresh:c1', 5_000)),
      );
      const held = results.filter((r) => r !== undefined);
      expect(held).toHaveLength(1);
      expect(await a.lock('refresh:c2', 5_000)).toBeDefined(); // another key is independent
      await held[0]!();
      const again = await b.lock('refresh:c1', 5_000);
      expect(again).toBeDefined();
      await again!();
    });

    it('lets a lock expire, and lets only its owner release it', async () => {
      const first = await a.lock('refresh:c1', 80);
      expect(first).toBeDefined();
      await sleep(150);
      const second = await b.lock('refresh:c1', 5_000);
      expect(second).toBeDefined();
      await first!(); // expired: must not free the second holder's lock
      expect(await a.lock('refresh:c1', 5_000)).toBeUndefined();
      await second!();
      expect(await a.lock('refresh:c1', 5_000)).toBeDefined();
    });

    it('keeps short-lived values, shared by both handles, until they expire (when it has setValue)', async () => {
      if (!a.setValue || !a.getValues) return;
      const b = fixture.other ?? a;
      await a.setValue('item:msg_1', '{"type":"message"}', 120);
      await a.setValue('item:msg_2', 'two', 5_000);
      expect(await b.getValues!(['item:msg_1', 'item:missing', 'item:msg_2'])).toEqual([
        '{"type":"message"}',
        undefined,
        'two',
      ]);
      await sleep(200);
      expect(await b.getValues!(['item:msg_1', 'item:msg_2'])).toEqual([undefined, 'two']);
    });
  });
}

function cooldown(credentialId: string, model: string, until: number): Cooldown {
  return { credentialId, model, until, reason: 'rate_limited', strikes: 1 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
