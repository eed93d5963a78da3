import type { Credential } from '../core/credential.js';
import { ConfigError, type SwitchyardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { QuotaSnapshot } from '../core/quota.js';
import { CooldownKeeper, type FailureOutcome } from './cooldown-keeper.js';
import { type CooldownPolicy, DEFAULT_COOLDOWN_POLICY } from './failure-policy.js';
import { buildPickContext } from './pick-credential.js';
import { PrioritySelector } from './selectors/priority.js';
import { RoundRobinSelector } from './selectors/round-robin.js';
import type { Selector } from './selectors/types.js';
import { MemoryStateStore } from './state/memory/memory-state-store.js';
import { ALL_MODELS, type StateStore } from './state/types.js';

/** One key of a {@link KeyPool}. */
export interface PoolKeyInput {
  /** The secret. */
  key: string;
  /** Its id in logs, state, usage records and metrics. Default: the pool's name and the key's position (`serper-1`). */
  id?: string;
  label?: string;
  /** Share for the weighted strategy; default 1; 0 leaves it out there. */
  weight?: number;
  /** Higher tiers are used first; default 0. */
  priority?: number;
  /** `http(s)://` or `socks4/5://` proxy the key's requests go through, or `direct`. */
  proxyUrl?: string;
}

/** A key as the pool hands it out: the secret with its id and settings. */
export interface PoolKey {
  /** The id the caller sees (usage records, logs). */
  id: string;
  /** The secret: never log it. */
  key: string;
  label?: string;
  proxyUrl?: string;
}

/** Options of {@link KeyPool}. */
export interface KeyPoolOptions {
  /** The pool's name (a proxied service's name); it namespaces the pool's cursor and cooldowns in the state store. */
  name: string;
  keys: readonly PoolKeyInput[];
  /** Shared routing state: give every instance the same Redis store and they rotate as one. Default: in memory. */
  state?: StateStore;
  /** Default: priority tiers with round-robin inside each tier. */
  selector?: Selector;
  /** Overrides of the cooldown table (the Manager's defaults otherwise). */
  cooldowns?: Partial<CooldownPolicy>;
  logger?: Logger;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** Why {@link KeyPool.pick} found no key: the earliest moment one is back, when known. */
export interface NoKeyAvailable {
  /** Epoch ms at which the first cooling key is back; undefined when every key was tried by this request. */
  earliest?: number;
}

/**
 * A pool of API keys for one service, rotated with the Manager's selectors and cooled down by the
 * Manager's failure table, in the same {@link StateStore}: with Redis, several instances share the
 * cursor, the in-flight counts and every cooldown. It knows no HTTP: the proxy handler asks it for a
 * key, reports how the key did, and asks again.
 *
 * Keys are kept in the state store under `proxy:<name>:<id>`, so they never share state with an LLM
 * credential of the same id.
 *
 * @example
 * ```ts
 * const pool = new KeyPool({ name: 'serper', keys: [{ key: process.env.SERPER_1! }, { key: process.env.SERPER_2! }] });
 * const picked = await pool.pick(new Set());
 * if ('key' in picked) console.log(picked.id); // serper-1
 * ```
 */
export class KeyPool {
  readonly name: string;
  readonly state: StateStore;
  readonly #selector: Selector;
  readonly #candidates: Credential[];
  readonly #keys = new Map<string, PoolKey>();
  readonly #keeper: CooldownKeeper;
  readonly #now: () => number;
  readonly #cursorKey: string;
  readonly #prefix: string;

  constructor(options: KeyPoolOptions) {
    if (options.keys.length === 0) throw new ConfigError(`The key pool '${options.name}' has no keys`);
    this.name = options.name;
    this.state = options.state ?? new MemoryStateStore();
    this.#selector = options.selector ?? new PrioritySelector(new RoundRobinSelector());
    this.#now = options.now ?? Date.now;
    this.#prefix = `proxy:${options.name}:`;
    this.#cursorKey = `proxy:${options.name}`;
    this.#candidates = options.keys.map((input, i) => {
      const id = input.id ?? `${options.name}-${i + 1}`;
      if (this.#keys.has(id)) throw new ConfigError(`The key pool '${options.name}' has two keys with the id '${id}'`);
      const key: PoolKey = { id, key: input.key };
      if (input.label !== undefined) key.label = input.label;
      if (input.proxyUrl !== undefined) key.proxyUrl = input.proxyUrl;
      this.#keys.set(id, key);
      // Selectors work on credentials: the secret stays out of this copy.
      const candidate: Credential = { id: this.#prefix + id, provider: 'proxy' };
      if (input.weight !== undefined) candidate.weight = input.weight;
      if (input.priority !== undefined) candidate.priority = input.priority;
      if (input.label !== undefined) candidate.label = input.label;
      return candidate;
    });
    this.#keeper = new CooldownKeeper({
      state: this.state,
      policy: { ...DEFAULT_COOLDOWN_POLICY, ...options.cooldowns },
      // A key's limit is the key's: there are no models to cool one by one.
      quotaExceeded: 'skip-auth',
      logger: options.logger ?? silentLogger,
      now: this.#now,
    });
  }

  /** True when the strategy reads in-flight counts: then each call is counted with {@link KeyPool.acquire}. */
  get countsInFlight(): boolean {
    return this.#selector.needs?.inFlight === true;
  }

  /** The pool's keys, in order (secrets included: do not log them). */
  keys(): PoolKey[] {
    return [...this.#keys.values()];
  }

  /**
   * The next key, skipping those in `tried` (ids) and those cooling down. When none is available it
   * says when the first cooling key is back.
   */
  async pick(tried: ReadonlySet<string>): Promise<PoolKey | NoKeyAvailable> {
    const needs = this.#selector.needs ?? {};
    const now = this.#now();
    const selection = await this.state.selection({
      cursorKey: this.#cursorKey,
      model: ALL_MODELS,
      now,
      ...(needs.cursor ? { advanceCursor: true } : {}),
      ...(needs.inFlight ? { withInFlight: true } : {}),
    });
    const prefix = this.#prefix;
    const ctx = buildPickContext({
      model: ALL_MODELS,
      key: this.#cursorKey,
      selection,
      state: this.state,
      now,
      excluded: (c) => tried.has(c.id.slice(prefix.length)),
    });
    const picked = await this.#selector.pick(this.#candidates, ctx);
    if (picked) return this.#keys.get(picked.id.slice(prefix.length))!;
    let earliest = Number.POSITIVE_INFINITY;
    for (const c of this.#candidates) {
      if (tried.has(c.id.slice(prefix.length))) continue;
      const until = selection.unavailable.get(c.id);
      if (until !== undefined && until > now && until < earliest) earliest = until;
    }
    return earliest === Number.POSITIVE_INFINITY ? {} : { earliest };
  }

  /** Counts a request in flight on the key (for the least-in-flight strategy); pair with {@link KeyPool.release}. */
  async acquire(id: string): Promise<void> {
    await this.state.acquire(this.#prefix + id);
  }

  release(id: string): void {
    this.state.release(this.#prefix + id);
  }

  /** Applies the failure table to the key that failed with `error` (its kind and retry-after hint). */
  failed(id: string, error: SwitchyardError, requestId: string): Promise<FailureOutcome> {
    return this.#keeper.failed({
      credentialId: this.#prefix + id,
      model: ALL_MODELS,
      error,
      canRefresh: false,
      requestId,
    });
  }

  /** Records a success (resets the circuit count). */
  succeeded(id: string): Promise<void> {
    return this.#keeper.succeeded(this.#prefix + id, ALL_MODELS, false);
  }

  /** Keeps a rate-limit snapshot; one that says the limit is used up cools the key until its reset (capped). */
  quota(id: string, snapshot: QuotaSnapshot): Promise<void> {
    return this.#keeper.quota(this.#prefix + id, snapshot);
  }

  /** Lifts every cooldown of a key. */
  async clearCooldowns(id: string): Promise<void> {
    await this.state.clearCredential(this.#prefix + id);
    await this.state.recordSuccess(this.#prefix + id);
  }

  /** The cooldowns of this pool's keys in force now, by key id. */
  async cooldowns(): Promise<Array<{ id: string; until: number; reason: string }>> {
    const all = await this.state.listCooldowns(this.#now());
    return all
      .filter((c) => c.credentialId.startsWith(this.#prefix))
      .map((c) => ({ id: c.credentialId.slice(this.#prefix.length), until: c.until, reason: c.reason }));
  }
}
