import type { Manager } from '../manager/manager.js';
import { exceededBudget } from '../observe/usage/spend.js';
import type { Caller } from './client-auth.js';
import { HttpError } from './error-response.js';
import type { HandlerOptions } from './types.js';

/** Refuses a caller that used up a cost budget (429 until the period ends). */
export function checkSpend(caller: Caller, spend: HandlerOptions['spend'], now: number): void {
  if (!spend) {
    // A key with cost budgets on a handler that cannot see spend: refused, never unlimited.
    throw new HttpError(
      503,
      'config',
      'This API key has cost budgets but the gateway keeps no spend to check them: give createHandler a spend (a SpendCounter fed by the usage records), or remove the budgets',
    );
  }
  if (spend.unknown !== undefined) {
    // The spend so far could not be read: a budget that cannot be checked refuses, never lets through.
    throw new HttpError(
      503,
      'overloaded',
      'This API key has cost budgets and the gateway cannot read what was spent so far from its usage ledger (retrying); try again shortly',
      { retryAfterMs: 30_000 },
    );
  }
  const over = exceededBudget(spend, caller.principal, caller.costBudgets!, now);
  if (over) {
    const { amount, currency = 'USD', period } = over.budget;
    throw new HttpError(429, 'quota_exhausted', `Cost budget used up: ${amount} ${currency} per ${period}`, {
      retryAfterMs: over.retryAfterMs,
    });
  }
}

/** Takes one of the caller's `maxConcurrent` slots, or refuses with 429; returns its release. */
export async function enterSlot(
  manager: Pick<Manager, 'acquireSlot' | 'releaseSlot'>,
  caller: Caller,
): Promise<() => void> {
  const limit = caller.maxConcurrent!;
  const count = await manager.acquireSlot(caller.limitKey);
  if (count > limit) {
    manager.releaseSlot(caller.limitKey);
    throw new HttpError(
      429,
      'rate_limited',
      `Concurrency limit reached: ${limit} request${limit === 1 ? '' : 's'} in flight for this API key`,
    );
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    manager.releaseSlot(caller.limitKey);
  };
}
