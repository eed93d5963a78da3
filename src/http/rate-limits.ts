import type { Manager } from '../manager/manager.js';
import type { Caller } from './client-auth.js';
import { HttpError } from './error-response.js';

const MINUTE = 60_000;
const DEFAULT_BUDGET_PERIOD_MS = 30 * 24 * 3_600_000;

/** What the limits need of the Manager: its shared fixed windows. */
type Windows = Pick<Manager, 'chargeWindow'>;

/**
 * Admits one request against the caller's requests-per-minute and tokens-per-minute windows (fixed
 * one-minute windows charged through the Manager into its state store, so every instance sharing a Redis
 * store shares them).
 *
 * The token window is charged with `promptTokens` up front. A request is refused once the window is
 * already full before it, so one large request into an empty window still passes.
 *
 * @throws {HttpError} 429 with the time until the window resets.
 */
export async function admit(windows: Windows, caller: Caller, promptTokens: number, now: number): Promise<void> {
  if (caller.rpm !== undefined) {
    const { total, resetAt } = await windows.chargeWindow(`switchyard:rpm:${caller.limitKey}`, 1, MINUTE, now);
    if (total > caller.rpm) {
      throw new HttpError(429, 'rate_limited', `Rate limit reached: ${caller.rpm} requests per minute`, {
        retryAfterMs: Math.max(0, resetAt - now),
      });
    }
  }
  if (caller.budget !== undefined) {
    const period = caller.budget.periodMs ?? DEFAULT_BUDGET_PERIOD_MS;
    const { total, resetAt } = await windows.chargeWindow(`switchyard:budget:${caller.limitKey}`, 0, period, now);
    if (total >= caller.budget.tokens) {
      throw new HttpError(429, 'quota_exhausted', `Token budget used up: ${caller.budget.tokens} tokens per period`, {
        retryAfterMs: Math.max(0, resetAt - now),
      });
    }
  }
  if (caller.tpm !== undefined) {
    const { total, resetAt } = await windows.chargeWindow(
      `switchyard:tpm:${caller.limitKey}`,
      promptTokens,
      MINUTE,
      now,
    );
    if (total - promptTokens >= caller.tpm) {
      throw new HttpError(429, 'rate_limited', `Rate limit reached: ${caller.tpm} tokens per minute`, {
        retryAfterMs: Math.max(0, resetAt - now),
      });
    }
  }
}

/**
 * Charges what the answer used, once it is complete: its output tokens to the per-minute token window
 * (the prompt was estimated on admission), input plus output to the budget.
 */
export async function chargeUsage(
  windows: Windows,
  caller: Caller,
  usage: { inputTokens: number; outputTokens: number },
  now: number,
): Promise<void> {
  if (caller.tpm !== undefined && usage.outputTokens > 0) {
    await windows.chargeWindow(`switchyard:tpm:${caller.limitKey}`, usage.outputTokens, MINUTE, now);
  }
  const spent = usage.inputTokens + usage.outputTokens;
  if (caller.budget !== undefined && spent > 0) {
    const period = caller.budget.periodMs ?? DEFAULT_BUDGET_PERIOD_MS;
    await windows.chargeWindow(`switchyard:budget:${caller.limitKey}`, spent, period, now);
  }
}

/** A rough prompt size in tokens from the body's size: about four bytes of JSON per token. */
export function estimateTokens(bodyBytes: number): number {
  return Math.max(1, Math.ceil(bodyBytes / 4));
}
