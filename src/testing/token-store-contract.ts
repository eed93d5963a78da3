import type { Awaitable } from '../core/awaitable.js';
import type { Credential } from '../core/credential.js';
import type { TokenStore, TokenStoreEvent } from '../manager/stores/types.js';
import type { TestApi } from './test-api.js';
import { waitFor } from './wait-for.js';

/** What a {@link TokenStoreFactory} hands the contract suite: a fresh, empty backend per test. */
export interface TokenStoreFixture {
  store: TokenStore;
  /**
   * A second handle onto the same backend (another instance of the store, as another process would
   * open it). When given, the suite checks that changes made through it reach `store`'s watchers.
   */
  other?: TokenStore;
  /** Called after each test: close handles, drop tables, remove directories. */
  cleanup?(): Awaitable<void>;
}

/** Builds a fresh fixture for one test. */
export type TokenStoreFactory = () => Awaitable<TokenStoreFixture>;

/** Options of {@link describeTokenStoreContract}. */
export interface TokenStoreContractOptions {
  /**
   * The store refuses one of two concurrent saves with the same `expectedVersion`, even when they come
   * through two handles (compare-and-set in the backend). Default true; set false for a store that only
   * checks versions within one process, and the suite skips that test.
   */
  atomicCompareAndSet?: boolean;
}

/** How long a change may take to reach another handle's watchers. */
const PROPAGATION_MS = 3_000;

/**
 * Registers vitest tests every {@link TokenStore} must pass: list/get/save/delete, versions and
 * `ConflictError`, change events (from another handle onto the same backend when the factory gives
 * one), and copies rather than shared references. Each test gets a fresh fixture.
 *
 * @example
 * ```ts
 * // my-store.test.ts
 * import * as vitest from 'vitest';
 * import { describeTokenStoreContract } from 'switchyard/testing';
 * describeTokenStoreContract(vitest, 'MyStore', async () => {
 *   const db = await createTestDatabase();
 *   return { store: new MyStore(db), other: new MyStore(db), cleanup: () => db.drop() };
 * });
 * ```
 */
export function describeTokenStoreContract(
  test: TestApi,

  name: string,
  factory: TokenStoreFactory,
  options: TokenStoreContractOptions = {},
): void {
  const { describe, it, expect, beforeEach, afterEach } = test;
  describe(`TokenStore contract: ${name}`, () => {
    let fixture: TokenStoreFixture;
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      await fixture.store.close?.();
      if (fixture.other) await fixture.other.close?.();
      await fixture.cleanup?.();
    });

    it('saves, gets, lists and deletes', async () => {
      const { store } = fixture;
      expect(await store.list()).toEqual([]);
      const saved = await store.save(credential('a', { apiKey: 'sk-a', models: [{ name: 'm1', alias: 'x' }] }));
      expect(saved).toMatchObject({ id: 'a', provider: 'mock', apiKey: 'sk-a' });
      expect(typeof saved.version).toBe('number');
      await store.save(
        credential('b', { kind: 'oauth', oauth: { accessToken: 'at', refreshToken: 'rt', expiresAt: 1 } }),
      );
      expect(await store.get('a')).toMatchObject({ id: 'a', apiKey: 'sk-a', models: [{ name: 'm1', alias: 'x' }] });
      expect(await store.get('b')).toMatchObject({ oauth: { accessToken: 'at', refreshToken: 'rt', expiresAt: 1 } });
      expect((await store.list()).map((c) => c.id).sort()).toEqual(['a', 'b']);
      await store.delete('a');
      expect(await store.get('a')).toBeUndefined();
      expect((await store.list()).map((c) => c.id)).toEqual(['b']);
      await store.delete('missing');
    });

    it('keeps fields it does not know (metadata, extra keys)', async () => {
      const { store } = fixture;
      const input = { ...credential('a', { metadata: { project: 'p1', nested: { n: 1 } } }), extra: 'kept' };
      await store.save(input);
      expect(await store.get('a')).toMatchObject({ metadata: { project: 'p1', nested: { n: 1 } }, extra: 'kept' });
    });

    it('bumps the version on every save and refuses a stale expectedVersion with ConflictError', async () => {
      const { store } = fixture;
      const v1 = await store.save(credential('a', { apiKey: 'k1' }));
      const v2 = await store.save({ ...v1, apiKey: 'k2' }, { expectedVersion: v1.version! });
      expect(v2.version).toBeGreaterThan(v1.version!);
      expect((await store.get('a'))!.version).toBe(v2.version);
      await expect(store.save({ ...v1, apiKey: 'k3' }, { expectedVersion: v1.version! })).rejects.toMatchObject({
        kind: 'conflict',
      });
      expect((await store.get('a'))!.apiKey).toBe('k2');
      // expectedVersion 0 means "must not exist yet".
      await expect(store.save(credential('a'), { expectedVersion: 0 })).rejects.toMatchObject({ kind: 'conflict' });
      const fresh = await store.save(credential('new'), { expectedVersion: 0 });
      expect(fresh.version).toBeGreaterThan(0);
      // Without expectedVersion a save overwrites.
      const forced = await store.save({ ...v1, apiKey: 'k4' });
      expect(forced.version).toBeGreaterThan(v2.version!);
    });

    ((options.atomicCompareAndSet ?? true) ? it : it.skip)('lets exactly one of two concurrent saves win', async () => {
      const { store } = fixture;
      const other = fixture.other ?? store;
      const v1 = await store.save(credential('a', { apiKey: 'k1' }));
      const results = await Promise.allSettled([
        store.save({ ...v1, apiKey: 'from-store' }, { expectedVersion: v1.version! }),
        other.save({ ...v1, apiKey: 'from-other' }, { expectedVersion: v1.version! }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toMatchObject({ kind: 'conflict' });
    });

    it('emits upsert and delete for its own changes', async () => {
      const { store } = fixture;
      const events: TokenStoreEvent[] = [];
      const stop = store.watch?.((e) => events.push(e));
      if (!stop) return;
      await store.list();
      await store.save(credential('a', { apiKey: 'k1' }));
      await store.delete('a');
      await waitFor(() => (events.some((e) => e.type === 'delete') ? true : undefined), PROPAGATION_MS);
      const upsert = events.find((e) => e.type === 'upsert');
      expect(upsert).toMatchObject({ type: 'upsert', credential: { id: 'a', apiKey: 'k1' } });
      stop();
    });

    it('delivers changes made through another handle onto the same backend', async (ctx) => {
      const { store, other } = fixture;
      if (!other || !store.watch) {
        ctx.skip();
        return;
      }
      const events: TokenStoreEvent[] = [];
      const stop = store.watch((e) => events.push(e));
      await store.list();
      await settle(store);
      await other.save(credential('x', { apiKey: 'kx' }));
      const upsert = await waitFor(
        () => events.find((e) => e.type === 'upsert' && e.credential.id === 'x'),
        PROPAGATION_MS,
      );
      expect(upsert).toMatchObject({ credential: { apiKey: 'kx' } });
      const current = (await other.get('x'))!;
      await other.save({ ...current, apiKey: 'kx2' }, { expectedVersion: current.version! });
      await waitFor(
        () => events.find((e) => e.type === 'upsert' && e.credential.id === 'x' && e.credential.apiKey === 'kx2'),
        PROPAGATION_MS,
      );
      await other.delete('x');
      await waitFor(() => events.find((e) => e.type === 'delete' && e.id === 'x'), PROPAGATION_MS);
      expect((await store.get('x')) ?? null).toBeNull();
      stop();
    });

    it('hands out copies: mutating what went in or came out does not change the store', async () => {
      const { store } = fixture;
      const input = credential('a', { headers: { 'x-h': '1' }, models: [{ name: 'm1' }] });
      const saved = await store.save(input);
      input.headers!['x-h'] = 'input-changed';
      saved.headers!['x-h'] = 'saved-changed';
      const got = (await store.get('a'))!;
      expect(got.headers).toEqual({ 'x-h': '1' });
      got.models!.push({ name: 'm2' });
      const listed = (await store.list())[0]!;
      expect(listed.models).toEqual([{ name: 'm1' }]);
      listed.headers!['x-h'] = 'listed-changed';
      expect((await store.get('a'))!.headers).toEqual({ 'x-h': '1' });
    });
  });
}

function credential(id: string, extra: Partial<Credential> = {}): Credential {
  return { id, provider: 'mock', ...extra };
}

/** Stores that listen asynchronously (LISTEN, fs.watch) may expose a readiness hook; use it when present. */
async function settle(store: TokenStore): Promise<void> {
  const ready = (store as { listening?: () => Promise<void> }).listening;
  if (typeof ready === 'function') await ready.call(store);
  else await new Promise((resolve) => setTimeout(resolve, 50));
}
