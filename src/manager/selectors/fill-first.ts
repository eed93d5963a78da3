import type { Credential } from '../../core/credential.js';
import type { PickContext, Selector } from './types.js';

/**
 * Always the first available credential in store order, so one credential is used up (until it is
 * rate-limited or cooling) before the next is touched. Useful to drain a prepaid or expiring key first.
 *
 * @example
 * ```ts
 * new Manager({ selector: new FillFirstSelector(), executors, credentials });
 * ```
 */
export class FillFirstSelector implements Selector {
  readonly name = 'fill-first';

  pick(candidates: readonly Credential[], ctx: PickContext): Credential | undefined {
    for (const c of candidates) if (ctx.isAvailable(c)) return c;
    return undefined;
  }
}
