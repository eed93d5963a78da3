import type { Awaitable } from '../../core/awaitable.js';
import type { Credential } from '../../core/credential.js';
import type { StateStore } from '../state/types.js';

/** What a selector knows about the request it picks for. */
export interface PickContext {
  /** The model as requested (after prefix parsing), e.g. `claude-sonnet-4-5`. */
  model: string;
  /** Key for per-(provider, model) selector state such as cursors. */
  key: string;
  /** The round-robin cursor for `key` (its value before this pick), from {@link StateStore.selection}. */
  cursor: number;
  /** True when the credential may be picked now (not cooling, not circuit-open, not already tried). */
  isAvailable(credential: Credential): boolean;
  /** In-flight counts, when the selector asked for them with `needs.inFlight`. */
  inFlight?: ReadonlyMap<string, number>;
  /** The session affinity key, when the selector asked for it with `needs.session`. */
  sessionKey?: string;
  state: StateStore;
  now: number;
}

/** What a {@link Selector} asks the Manager to fetch before each pick (each costs a state-store read). */
export interface SelectorNeeds {
  /** The round-robin cursor, as `ctx.cursor`. */
  cursor?: boolean | undefined;
  /** In-flight counts per credential, as `ctx.inFlight`. */
  inFlight?: boolean | undefined;
  /** The request's session affinity key, as `ctx.sessionKey`. */
  session?: boolean | undefined;
}

/**
 * Picks one credential among candidates. `candidates` are every credential that serves the model, in a
 * stable order (store order), unfiltered by dynamic state: call `ctx.isAvailable` lazily so a pick stays
 * O(1) or O(log n) while most credentials are healthy. Return `undefined` when none is available.
 *
 * @example
 * ```ts
 * const random: Selector = {
 *   name: 'random',
 *   pick(candidates, ctx) {
 *     const ok = candidates.filter(ctx.isAvailable);
 *     return ok[Math.floor(Math.random() * ok.length)];
 *   },
 * };
 * ```
 */
export interface Selector {
  readonly name: string;
  /** What the Manager must fetch before calling `pick`. Absent: nothing. */
  readonly needs?: SelectorNeeds | undefined;
  pick(candidates: readonly Credential[], ctx: PickContext): Awaitable<Credential | undefined>;
}
