import type { Credential } from '../../core/credential.js';
import type { PickContext, Selector } from './types.js';

/**
 * The available credential with the fewest requests in flight (counted in the {@link StateStore}, so
 * shared across instances with Redis). Ties go to the credential after the round-robin cursor, so idle
 * credentials take turns. A pick is O(1) while some credential is idle (it is not in the in-flight map)
 * and O(n) when every credential is busy.
 *
 * @example
 * ```ts
 * new Manager({ selector: new LeastInFlightSelector(), executors, credentials });
 * ```
 */
export class LeastInFlightSelector implements Selector {
  readonly name = 'least-in-flight';
  readonly needs = { inFlight: true, cursor: true } as const;

  pick(candidates: readonly Credential[], ctx: PickContext): Credential | undefined {
    const n = candidates.length;
    if (n === 0) return undefined;
    const inFlight = ctx.inFlight;
    const start = ctx.cursor % n;
    let best: Credential | undefined;
    let bestCount = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const c = candidates[(start + i) % n]!;
      const count = inFlight?.get(c.id) ?? 0;
      if (count >= bestCount || !ctx.isAvailable(c)) continue;
      best = c;
      bestCount = count;
      if (count === 0) break;
    }
    return best;
  }
}
