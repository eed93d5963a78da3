import type { Credential } from '../../core/credential.js';
import type { PickContext, Selector } from './types.js';

/**
 * Takes turns: over n available credentials every credential gets k or k+1 of k·n+r picks. The cursor
 * lives in the {@link StateStore} (one per provider and model), so several instances sharing a Redis
 * state store rotate as one. A pick is O(1) while the credential under the cursor is available.
 *
 * @example
 * ```ts
 * new Manager({ selector: new RoundRobinSelector(), executors, credentials });
 * ```
 */
export class RoundRobinSelector implements Selector {
  readonly name = 'round-robin';
  readonly needs = { cursor: true } as const;

  pick(candidates: readonly Credential[], ctx: PickContext): Credential | undefined {
    const n = candidates.length;
    if (n === 0) return undefined;
    const start = ctx.cursor % n;
    for (let i = 0; i < n; i++) {
      const c = candidates[(start + i) % n]!;
      if (ctx.isAvailable(c)) return c;
    }
    return undefined;
  }
}
