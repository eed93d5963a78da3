import type { Credential } from '../../core/credential.js';
import type { PickContext, Selector, SelectorNeeds } from './types.js';

/**
 * Priority tiers: the highest available `priority` tier is used first, lower tiers only when the higher
 * tier has nothing available. Inside a tier the wrapped selector picks (round-robin by default in the Manager).
 *
 * @example
 * ```ts
 * // paid keys (priority 10) first; the free tier (priority 0) only when every paid key is cooling
 * new Manager({ selector: new PrioritySelector(new WeightedSelector()), executors, credentials });
 * ```
 */
export class PrioritySelector implements Selector {
  readonly name: string;
  readonly needs: SelectorNeeds | undefined;
  readonly #inner: Selector;
  readonly #tiers = new WeakMap<readonly Credential[], Credential[][]>();

  constructor(inner: Selector) {
    this.#inner = inner;
    this.name = `priority(${inner.name})`;
    this.needs = inner.needs;
  }

  async pick(candidates: readonly Credential[], ctx: PickContext): Promise<Credential | undefined> {
    const tiers = this.#tiersOf(candidates);
    if (tiers.length === 1) return this.#inner.pick(candidates, ctx);
    for (const tier of tiers) {
      const picked = await this.#inner.pick(tier, ctx);
      if (picked) return picked;
    }
    return undefined;
  }

  /** Tiers, highest priority first; each keeps the store order. Cached per candidate list. */
  #tiersOf(candidates: readonly Credential[]): ReadonlyArray<readonly Credential[]> {
    let tiers = this.#tiers.get(candidates);
    if (!tiers) {
      const byPriority = new Map<number, Credential[]>();
      for (const c of candidates) {
        const p = c.priority ?? 0;
        let tier = byPriority.get(p);
        if (!tier) {
          tier = [];
          byPriority.set(p, tier);
        }
        tier.push(c);
      }
      tiers = [...byPriority].sort((a, b) => b[0] - a[0]).map(([, t]) => t);
      // One tier: hand the original array down so inner selectors keep their per-list caches.
      if (tiers.length === 1) tiers = [candidates as Credential[]];
      this.#tiers.set(candidates, tiers);
    }
    return tiers;
  }
}
