import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../../core/logger.js';
import { silentLogger } from '../../../core/logger.js';
import type { QuotaSnapshot } from '../../../core/quota.js';
import { MemoryStateStore } from '../memory/memory-state-store.js';
import type { Cooldown, CooldownReason, SelectionQuery, SelectionState, StateStore } from '../types.js';
import { ALL_MODELS } from '../types.js';
import type { LuaScript } from './lua-script.js';
import {
  ACQUIRE,
  CLEAR_COOLDOWN,
  CLEAR_CREDENTIAL,
  HIT,
  LIST_COOLDOWNS,
  RECORD_FAILURE,
  RELEASE,
  SELECTION,
  SET_COOLDOWN,
  UNLOCK,
} from './state-scripts.js';

/** Options of {@link RedisStateStore}. */
export interface RedisStateStoreOptions {
  /** Prefix of every key. Instances that share state use the same prefix. Default `switchyard:`. */
  prefix?: string;
  /** Where "Redis unreachable" and "Redis back" are logged, once per outage. Default: silent. */
  logger?: Logger;
  /** A command not answered within this many ms is served from local state instead. Default 1000. */
  commandTimeoutMs?: number;
  /** In-flight counts expire this long after the last acquire, so a crashed instance's counts fade. Default 10 min. */
  inFlightTtlMs?: number;
  /** Consecutive failure counts expire this long after the last failure. Default 10 min. */
  failureTtlMs?: number;
  /** Round-robin cursors expire this long after their last use. Default 24 h. */
  cursorTtlMs?: number;
  /** Quota snapshots expire this long after their latest reset (or after being set, without one). Default 1 h. */
  quotaTtlMs?: number;
  /** Local state used while Redis is unreachable. Default: a new {@link MemoryStateStore}. */
  fallback?: MemoryStateStore;
}

interface CooldownDetails {
  r: CooldownReason;
  s: number;
  /** null for Infinity, which JSON cannot hold. */
  u: number | null;
}

/** Cooldown details outlive their cooldown by this much, so strikes keep doubling across short gaps. */
const STRIKE_MEMORY_MS = 60 * 60_000;
const EMPTY: ReadonlyMap<string, number> = new Map();

/**
 * Routing state shared by every instance through Redis: round-robin cursors, cooldowns, circuit and
 * failure counters, in-flight counts, sticky bindings, quota snapshots, rate-limit windows and locks.
 * A selection is one EVALSHA (one round trip); `release` is sent without waiting. Every key carries
 * the prefix and expires (cooldowns at their end, bindings at their TTL, windows at their reset,
 * in-flight counts after a safety TTL), so nothing accumulates.
 *
 * When Redis is unreachable (or slower than `commandTimeoutMs`) the store serves from a local
 * {@link MemoryStateStore}, logs once, and shares again when Redis returns (ioredis reconnects on its
 * own), handing over the cooldowns learned meanwhile. A request never waits on a dead Redis. Until the
 * first connection is ready the store is local too: await {@link ready} at boot to start shared.
 * Standalone Redis (or Sentinel) only; Redis Cluster is not supported.
 *
 * @example
 * ```ts
 * import { RedisStateStore } from 'switchyard/stores/redis';
 * const state = new RedisStateStore(process.env.REDIS_URL!, { prefix: 'gw:' });
 * await state.ready();
 * const manager = new Manager({ state, store, executors }); // every instance shares cursors and cooldowns
 * ```
 */
export class RedisStateStore implements StateStore {
  readonly redis: Redis;
  readonly prefix: string;
  readonly #ownsClient: boolean;
  readonly #local: MemoryStateStore;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #inFlightTtlMs: number;
  readonly #failureTtlMs: number;
  readonly #cursorTtlMs: number;
  readonly #quotaTtlMs: number;
  readonly #inFlightKey: string;
  readonly #onReady = () => this.#recovered();
  #degraded = false;
  #closed = false;

  constructor(redis: Redis | string, options: RedisStateStoreOptions = {}) {
    if (typeof redis === 'string') {
      // No offline queue: a command sent while disconnected fails at once and we answer locally.
      this.redis = new Redis(redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      // Connection errors are handled per command; without a listener ioredis prints each one.
      this.redis.on('error', () => {});
      this.#ownsClient = true;
    } else {
      this.redis = redis;
      this.#ownsClient = false;
    }
    this.redis.on('ready', this.#onReady);
    this.prefix = options.prefix ?? 'switchyard:';
    this.#local = options.fallback ?? new MemoryStateStore();
    this.#logger = options.logger ?? silentLogger;
    this.#timeoutMs = options.commandTimeoutMs ?? 1_000;
    this.#inFlightTtlMs = options.inFlightTtlMs ?? 10 * 60_000;
    this.#failureTtlMs = options.failureTtlMs ?? 10 * 60_000;
    this.#cursorTtlMs = options.cursorTtlMs ?? 24 * 60 * 60_000;
    this.#quotaTtlMs = options.quotaTtlMs ?? 60 * 60_000;
    this.#inFlightKey = `${this.prefix}inflight`;
  }

  /** Resolves true once Redis is connected (within `timeoutMs`, default 5 s), false otherwise. */
  ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on('ready', onReady);
    });
  }

  /** True while state is shared through Redis; false while it is served locally. */
  get shared(): boolean {
    return this.redis.status === 'ready' && !this.#degraded;
  }

  async selection(query: SelectionQuery): Promise<SelectionState> {
    return this.#call(
      async () => {
        const keys = [
          this.#cooldownKey(query.model),
          this.#cooldownKey(ALL_MODELS),
          `${this.prefix}rr:${query.cursorKey}`,
          this.#inFlightKey,
        ];
        const args = [query.now, query.advanceCursor ? 1 : 0, query.withInFlight ? 1 : 0, this.#cursorTtlMs];
        const [cursor, cooling, inFlight] = (await this.#run(SELECTION, keys, args)) as [number, string[], string[]];
        const state: { unavailable: ReadonlyMap<string, number>; cursor: number; inFlight?: Map<string, number> } = {
          unavailable: toUntilMap(cooling),
          cursor: Number(cursor),
        };
        if (query.withInFlight) {
          const counts = new Map<string, number>();
          for (let i = 0; i + 1 < inFlight.length; i += 2) {
            const n = Number(inFlight[i + 1]);
            if (n > 0) counts.set(inFlight[i]!, n);
          }
          state.inFlight = counts;
        }
        return state;
      },
      () => this.#local.selection(query),
    );
  }

  async getCooldown(credentialId: string, model: string): Promise<Cooldown | undefined> {
    return this.#call(
      async () => {
        const text = await this.redis.hget(`${this.prefix}cdi:${model}`, credentialId);
        return text ? toCooldown(credentialId, model, text) : undefined;
      },
      () => this.#local.getCooldown(credentialId, model),
    );
  }

  async setCooldown(cooldown: Cooldown): Promise<void> {
    const details: CooldownDetails = {
      r: cooldown.reason,
      s: cooldown.strikes,
      u: Number.isFinite(cooldown.until) ? cooldown.until : null,
    };
    const until = Number.isFinite(cooldown.until) ? String(cooldown.until) : 'inf';
    await this.#call(
      async () => {
        const args = [
          this.prefix,
          cooldown.model,
          cooldown.credentialId,
          until,
          JSON.stringify(details),
          Date.now(),
          STRIKE_MEMORY_MS,
        ];
        await this.#run(SET_COOLDOWN, [], args);
      },
      () => this.#local.setCooldown(cooldown),
    );
  }

  async clearCooldown(credentialId: string, model: string): Promise<void> {
    this.#local.clearCooldown(credentialId, model);
    await this.#call(
      async () => {
        await this.#run(CLEAR_COOLDOWN, [], [this.prefix, model, credentialId, Date.now(), STRIKE_MEMORY_MS]);
      },
      () => {},
    );
  }

  async clearCredential(credentialId: string): Promise<void> {
    this.#local.clearCredential(credentialId);
    await this.#call(
      async () => {
        await this.#run(CLEAR_CREDENTIAL, [], [this.prefix, credentialId, Date.now(), STRIKE_MEMORY_MS]);
      },
      () => {},
    );
  }

  async listCooldowns(now: number): Promise<Cooldown[]> {
    return this.#call(
      async () => {
        const flat = (await this.#run(LIST_COOLDOWNS, [], [this.prefix, now])) as string[];
        const out: Cooldown[] = [];
        for (let i = 0; i + 2 < flat.length; i += 3) out.push(toCooldown(flat[i + 1]!, flat[i]!, flat[i + 2]!));
        return out;
      },
      () => this.#local.listCooldowns(now),
    );
  }

  async acquire(credentialId: string): Promise<number> {
    return this.#call(
      async () => Number(await this.#run(ACQUIRE, [this.#inFlightKey], [credentialId, this.#inFlightTtlMs])),
      () => this.#local.acquire(credentialId),
    );
  }

  release(credentialId: string): void {
    if (!this.#usable()) {
      this.#local.release(credentialId);
      return;
    }
    // Not awaited: the request is over, its answer must not wait on bookkeeping.
    this.#run(RELEASE, [this.#inFlightKey], [credentialId]).catch((err: unknown) => {
      this.#degrade(err);
      this.#local.release(credentialId);
    });
  }

  async recordFailure(credentialId: string): Promise<number> {
    return this.#call(
      async () => Number(await this.#run(RECORD_FAILURE, [`${this.prefix}fail:${credentialId}`], [this.#failureTtlMs])),
      () => this.#local.recordFailure(credentialId),
    );
  }

  async recordSuccess(credentialId: string): Promise<void> {
    this.#local.recordSuccess(credentialId);
    await this.#call(
      async () => {
        await this.redis.del(`${this.prefix}fail:${credentialId}`);
      },
      () => {},
    );
  }

  async getBinding(sessionKey: string, now: number): Promise<string | undefined> {
    return this.#call(
      async () => (await this.redis.get(`${this.prefix}bind:${sessionKey}`)) ?? undefined,
      () => this.#local.getBinding(sessionKey, now),
    );
  }

  async setBinding(sessionKey: string, credentialId: string, ttlMs: number, now: number): Promise<void> {
    await this.#call(
      async () => {
        await this.redis.set(`${this.prefix}bind:${sessionKey}`, credentialId, 'PX', Math.max(1, Math.ceil(ttlMs)));
      },
      () => this.#local.setBinding(sessionKey, credentialId, ttlMs, now),
    );
  }

  async setQuota(credentialId: string, snapshot: QuotaSnapshot): Promise<void> {
    const resetAt = Math.max(snapshot.requestsResetAt ?? 0, snapshot.tokensResetAt ?? 0);
    const ttl = Math.max(1, Math.ceil(resetAt > 0 ? resetAt - Date.now() + this.#quotaTtlMs : this.#quotaTtlMs));
    await this.#call(
      async () => {
        await this.redis.set(`${this.prefix}quota:${credentialId}`, JSON.stringify(snapshot), 'PX', ttl);
      },
      () => this.#local.setQuota(credentialId, snapshot),
    );
  }

  async getQuota(credentialId: string): Promise<QuotaSnapshot | undefined> {
    return this.#call(
      async () => {
        const text = await this.redis.get(`${this.prefix}quota:${credentialId}`);
        return text ? (JSON.parse(text) as QuotaSnapshot) : undefined;
      },
      () => this.#local.getQuota(credentialId),
    );
  }

  async hit(key: string, amount: number, windowMs: number, now: number): Promise<{ total: number; resetAt: number }> {
    return this.#call(
      async () => {
        const window = Math.max(1, Math.ceil(windowMs));
        const [total, resetAt] = (await this.#run(
          HIT,
          [`${this.prefix}hit:${key}`],
          [amount, window, now, now + window],
        )) as [string, string];
        return { total: Number(total), resetAt: Number(resetAt) };
      },
      () => this.#local.hit(key, amount, windowMs, now),
    );
  }

  async lock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.prefix}lock:${key}`;
    return this.#call(
      async () => {
        const token = randomBytes(16).toString('hex');
        const ok = await this.redis.set(lockKey, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
        if (ok !== 'OK') return undefined;
        return async () => {
          try {
            await this.#run(UNLOCK, [lockKey], [token]);
          } catch (err) {
            // The lock expires by itself at its TTL.
            this.#degrade(err);
          }
        };
      },
      () => {
        const release = this.#local.lock(key, ttlMs);
        return release && (async () => release());
      },
    );
  }

  async setValue(key: string, value: string, ttlMs: number): Promise<void> {
    return this.#call(
      async () => {
        await this.redis.set(`${this.prefix}val:${key}`, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      },
      () => this.#local.setValue(key, value, ttlMs),
    );
  }

  async getValues(keys: readonly string[]): Promise<Array<string | undefined>> {
    if (keys.length === 0) return [];
    return this.#call(
      async () => {
        const values = await this.redis.mget(...keys.map((key) => `${this.prefix}val:${key}`));
        // A value written locally while Redis was away is still found here.
        const local = this.#local.getValues(keys);
        return values.map((value, i) => value ?? local[i]);
      },
      () => this.#local.getValues(keys),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.redis.off('ready', this.#onReady);
    if (!this.#ownsClient) return;
    try {
      await withTimeout(this.redis.quit(), this.#timeoutMs);
    } catch {
      this.redis.disconnect();
    }
  }

  #cooldownKey(model: string): string {
    return `${this.prefix}cd:${model}`;
  }

  #usable(): boolean {
    return !this.#closed && this.redis.status === 'ready';
  }

  #run(script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return script.run(this.redis, keys, args);
  }

  /** Runs against Redis when it is reachable, else (or on any failure or timeout) locally. */
  async #call<T>(remote: () => Promise<T>, local: () => T): Promise<T> {
    if (!this.#usable()) {
      this.#degrade(undefined);
      return local();
    }
    try {
      return await withTimeout(remote(), this.#timeoutMs);
    } catch (err) {
      this.#degrade(err);
      return local();
    }
  }

  #degrade(err: unknown): void {
    if (this.#degraded || this.#closed) return;
    this.#degraded = true;
    this.#logger.warn(
      { prefix: this.prefix, error: err instanceof Error ? err.message : `status ${this.redis.status}` },
      'redis unreachable; routing state is local to this instance until it returns',
    );
  }

  /** Redis is back: share again, handing over the cooldowns this instance learned while alone. */
  #recovered(): void {
    if (!this.#degraded || this.#closed) return;
    this.#degraded = false;
    this.#logger.info({ prefix: this.prefix }, 'redis reachable again; routing state is shared');
    // Only what was learned while alone lives locally; it moves to Redis and leaves the local store, so a
    // later outage does not resurrect cooldowns other instances have cleared since.
    for (const cooldown of this.#local.listCooldowns(Date.now())) {
      this.#local.clearCooldown(cooldown.credentialId, cooldown.model);
      void this.setCooldown(cooldown);
    }
  }
}

function toUntilMap(flat: readonly string[]): ReadonlyMap<string, number> {
  if (flat.length === 0) return EMPTY;
  const map = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const id = flat[i]!;
    const until = parseScore(flat[i + 1]!);
    const previous = map.get(id);
    if (previous === undefined || until > previous) map.set(id, until);
  }
  return map;
}

function parseScore(text: string): number {
  return text === 'inf' || text === '+inf' ? Number.POSITIVE_INFINITY : Number(text);
}

function toCooldown(credentialId: string, model: string, text: string): Cooldown {
  const d = JSON.parse(text) as CooldownDetails;
  return { credentialId, model, until: d.u ?? Number.POSITIVE_INFINITY, reason: d.r, strikes: d.s };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
