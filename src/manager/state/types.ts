import type { Awaitable } from '../../core/awaitable.js';
import type { QuotaSnapshot } from '../../core/quota.js';

/** Model key meaning "every model of the credential". */
export const ALL_MODELS = '*';

/** Why a credential is cooling down. */
export type CooldownReason =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'endpoint'
  | 'transient'
  | 'circuit_open'
  | 'quota_snapshot'
  | 'disabled';

/** A credential (for one model, or for all: {@link ALL_MODELS}) that must not be picked until `until`. */
export interface Cooldown {
  credentialId: string;
  model: string;
  /** Epoch ms. `Infinity` for "until the stored secret changes". */
  until: number;
  reason: CooldownReason;
  /** How many times in a row this cooldown was applied (drives the doubling of hint-less 429s). */
  strikes: number;
}

/** What a selection needs from shared state, fetched in one call (one round trip for a remote store). */
export interface SelectionQuery {
  /** The cursor key, e.g. `rr:<provider>:<model>`. */
  cursorKey: string;
  model: string;
  now: number;
  /** Advance the cursor and return its previous value (round-robin). */
  advanceCursor?: boolean;
  /** Include in-flight counts (least-in-flight). */
  withInFlight?: boolean;
}

/** The answer to a {@link SelectionQuery}. */
export interface SelectionState {
  /** Credentials not available for the model now (cooling for the model or all models), id → until (ms). */
  unavailable: ReadonlyMap<string, number>;
  /** The cursor's value before advancing (0 when not advanced). */
  cursor: number;
  /** In-flight counts by credential id, when asked for. Missing ids have 0. */
  inFlight?: ReadonlyMap<string, number>;
}

/**
 * Shared, short-lived routing state: cooldowns, cursors, in-flight counts, circuit counters, sticky
 * bindings, quota snapshots, rate-limit windows and locks. {@link MemoryStateStore} serves one process;
 * `switchyard/stores/redis` shares it across instances. Methods may answer synchronously.
 */
export interface StateStore {
  /** Everything a selection needs, in one call. */
  selection(query: SelectionQuery): Awaitable<SelectionState>;

  getCooldown(credentialId: string, model: string): Awaitable<Cooldown | undefined>;
  setCooldown(cooldown: Cooldown): Awaitable<void>;
  /** Clears the cooldown of one model (or, with {@link ALL_MODELS}, the credential-wide one). */
  clearCooldown(credentialId: string, model: string): Awaitable<void>;
  /** Clears every cooldown of the credential (e.g. its secret changed). */
  clearCredential(credentialId: string): Awaitable<void>;
  /** Current cooldowns that have not expired, for hooks and the management API. */
  listCooldowns(now: number): Awaitable<Cooldown[]>;

  /** Counts a request in flight on the credential; returns the new count. */
  acquire(credentialId: string): Awaitable<number>;
  /** Ends one in-flight request. Fire-and-forget. */
  release(credentialId: string): void;

  /** Consecutive transient failures: increments and returns the count. */
  recordFailure(credentialId: string): Awaitable<number>;
  /** Resets the consecutive failure count. */
  recordSuccess(credentialId: string): Awaitable<void>;

  getBinding(sessionKey: string, now: number): Awaitable<string | undefined>;
  setBinding(sessionKey: string, credentialId: string, ttlMs: number, now: number): Awaitable<void>;

  setQuota(credentialId: string, snapshot: QuotaSnapshot): Awaitable<void>;
  getQuota(credentialId: string): Awaitable<QuotaSnapshot | undefined>;

  /** Adds `amount` to the fixed window `key` of `windowMs` and returns the window's total and its end. */
  hit(key: string, amount: number, windowMs: number, now: number): Awaitable<{ total: number; resetAt: number }>;

  /**
   * Takes a lock held at most `ttlMs`; resolves to a release function, or `undefined` when another
   * holder has it.
   */
  lock(key: string, ttlMs: number): Awaitable<(() => Awaitable<void>) | undefined>;

  /**
   * Keeps a short-lived value (e.g. the output items of an answer, for `item_reference` and
   * `previous_response_id`), shared by every instance. Optional: without it the Manager keeps such
   * values in its own process only.
   */
  setValue?(key: string, value: string, ttlMs: number): Awaitable<void>;
  /** The values of {@link StateStore.setValue} under `keys`, undefined for missing or expired ones. */
  getValues?(keys: readonly string[]): Awaitable<Array<string | undefined>>;

  /** Resolves once the store can share state (e.g. Redis connected); the Manager awaits it in `start()`. */
  ready?(): Promise<unknown>;

  close?(): Awaitable<void>;
}
