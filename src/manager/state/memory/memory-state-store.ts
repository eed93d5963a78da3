import type { QuotaSnapshot } from '../../../core/quota.js';
import type { Cooldown, SelectionQuery, SelectionState, StateStore } from '../types.js';
import { ALL_MODELS } from '../types.js';

const EMPTY: ReadonlyMap<string, number> = new Map();
/** Sweep expired bindings and windows once this many were added since the last sweep. */
const SWEEP_EVERY = 1024;

/**
 * Routing state for one process: cooldowns, round-robin cursors, in-flight counts, circuit counters,
 * sticky bindings, quota snapshots, rate-limit windows and locks, all in maps. Every method answers
 * synchronously, so a selection costs no await. Expired entries are swept as new ones arrive, so
 * nothing grows without bound. Use `switchyard/stores/redis` to share this state across instances.
 *
 * @example
 * ```ts
 * const state = new MemoryStateStore();
 * const manager = new Manager({ state, executors, credentials });
 * ```
 */
export class MemoryStateStore implements StateStore {
  /** model → credential id → cooldown. `ALL_MODELS` holds credential-wide ones. */
  readonly #cooldowns = new Map<string, Map<string, Cooldown>>();
  /** model → credential id → until, the view selections read. */
  readonly #until = new Map<string, Map<string, number>>();
  readonly #cursors = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();
  readonly #failures = new Map<string, number>();
  readonly #bindings = new Map<string, { id: string; expires: number }>();
  readonly #quotas = new Map<string, QuotaSnapshot>();
  readonly #windows = new Map<string, { total: number; resetAt: number }>();
  readonly #locks = new Map<string, { token: object; expires: number }>();
  /** Short-lived values in insertion order, so the oldest go first when the store is full. */
  readonly #values = new Map<string, { value: string; expires: number }>();
  readonly #maxValues: number;
  #added = 0;

  /** @param options.maxValues how many `setValue` entries are kept at most (oldest dropped first). Default 10 000. */
  constructor(options: { maxValues?: number } = {}) {
    this.#maxValues = Math.max(1, options.maxValues ?? 10_000);
  }

  selection(query: SelectionQuery): SelectionState {
    let cursor = 0;
    if (query.advanceCursor) {
      cursor = this.#cursors.get(query.cursorKey) ?? 0;
      this.#cursors.set(query.cursorKey, (cursor + 1) % Number.MAX_SAFE_INTEGER);
    }
    const state: { unavailable: ReadonlyMap<string, number>; cursor: number; inFlight?: ReadonlyMap<string, number> } =
      { unavailable: this.#unavailable(query.model), cursor };
    if (query.withInFlight) state.inFlight = this.#inFlight;
    return state;
  }

  #unavailable(model: string): ReadonlyMap<string, number> {
    const forModel = this.#until.get(model);
    const forAll = this.#until.get(ALL_MODELS);
    if (!forAll || forAll.size === 0) return forModel ?? EMPTY;
    if (!forModel || forModel.size === 0) return forAll;
    const merged = new Map(forModel);
    for (const [id, until] of forAll) merged.set(id, Math.max(until, merged.get(id) ?? 0));
    return merged;
  }

  getCooldown(credentialId: string, model: string): Cooldown | undefined {
    const cooldown = this.#cooldowns.get(model)?.get(credentialId);
    return cooldown && { ...cooldown };
  }

  setCooldown(cooldown: Cooldown): void {
    let byId = this.#cooldowns.get(cooldown.model);
    let until = this.#until.get(cooldown.model);
    if (!byId || !until) {
      byId = new Map();
      until = new Map();
      this.#cooldowns.set(cooldown.model, byId);
      this.#until.set(cooldown.model, until);
    }
    byId.set(cooldown.credentialId, { ...cooldown });
    until.set(cooldown.credentialId, cooldown.until);
  }

  clearCooldown(credentialId: string, model: string): void {
    this.#cooldowns.get(model)?.delete(credentialId);
    this.#until.get(model)?.delete(credentialId);
  }

  clearCredential(credentialId: string): void {
    for (const byId of this.#cooldowns.values()) byId.delete(credentialId);
    for (const until of this.#until.values()) until.delete(credentialId);
    this.#failures.delete(credentialId);
  }

  listCooldowns(now: number): Cooldown[] {
    const out: Cooldown[] = [];
    for (const [model, byId] of this.#cooldowns) {
      for (const [id, cooldown] of byId) {
        if (cooldown.until > now) out.push({ ...cooldown });
        else {
          byId.delete(id);
          this.#until.get(model)?.delete(id);
        }
      }
    }
    return out;
  }

  acquire(credentialId: string): number {
    const n = (this.#inFlight.get(credentialId) ?? 0) + 1;
    this.#inFlight.set(credentialId, n);
    return n;
  }

  release(credentialId: string): void {
    const n = (this.#inFlight.get(credentialId) ?? 0) - 1;
    if (n > 0) this.#inFlight.set(credentialId, n);
    else this.#inFlight.delete(credentialId);
  }

  recordFailure(credentialId: string): number {
    const n = (this.#failures.get(credentialId) ?? 0) + 1;
    this.#failures.set(credentialId, n);
    return n;
  }

  recordSuccess(credentialId: string): void {
    this.#failures.delete(credentialId);
  }

  getBinding(sessionKey: string, now: number): string | undefined {
    const binding = this.#bindings.get(sessionKey);
    if (!binding) return undefined;
    if (binding.expires <= now) {
      this.#bindings.delete(sessionKey);
      return undefined;
    }
    return binding.id;
  }

  setBinding(sessionKey: string, credentialId: string, ttlMs: number, now: number): void {
    this.#bindings.set(sessionKey, { id: credentialId, expires: now + ttlMs });
    this.#maybeSweep(now);
  }

  setQuota(credentialId: string, snapshot: QuotaSnapshot): void {
    this.#quotas.set(credentialId, snapshot);
  }

  getQuota(credentialId: string): QuotaSnapshot | undefined {
    return this.#quotas.get(credentialId);
  }

  hit(key: string, amount: number, windowMs: number, now: number): { total: number; resetAt: number } {
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { total: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
      this.#maybeSweep(now);
    }
    window.total += amount;
    return { total: window.total, resetAt: window.resetAt };
  }

  lock(key: string, ttlMs: number): (() => void) | undefined {
    const now = Date.now();
    const held = this.#locks.get(key);
    if (held && held.expires > now) return undefined;
    const token = {};
    this.#locks.set(key, { token, expires: now + ttlMs });
    return () => {
      if (this.#locks.get(key)?.token === token) this.#locks.delete(key);
    };
  }

  setValue(key: string, value: string, ttlMs: number): void {
    this.#values.delete(key);
    this.#values.set(key, { value, expires: Date.now() + ttlMs });
    while (this.#values.size > this.#maxValues) {
      const oldest = this.#values.keys().next().value as string;
      this.#values.delete(oldest);
    }
  }

  getValues(keys: readonly string[]): Array<string | undefined> {
    const now = Date.now();
    return keys.map((key) => {
      const entry = this.#values.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now) {
        this.#values.delete(key);
        return undefined;
      }
      return entry.value;
    });
  }

  #maybeSweep(now: number): void {
    if (++this.#added < SWEEP_EVERY) return;
    this.#added = 0;
    for (const [key, b] of this.#bindings) if (b.expires <= now) this.#bindings.delete(key);
    for (const [key, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(key);
  }
}
