import { sleep } from './sleep.js';

/** Retry settings of `ManagerOptions.retry`. */
export interface RetryOptions {
  /** Attempts in total, the first included. Default 3. */
  attempts?: number;
  /** First backoff between attempts, ms (doubles, with jitter). Default 25. */
  baseDelayMs?: number;
  /** Cap of the backoff between attempts, ms. Default 2000. */
  maxDelayMs?: number;
  /**
   * When every candidate is cooling and the earliest is back within this many ms, wait for it instead of
   * failing (CLIProxyAPI's `max-retry-interval`). Default 0: fail at once with the earliest retry-after.
   */
  maxWaitMs?: number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = Object.freeze({
  attempts: 3,
  baseDelayMs: 25,
  maxDelayMs: 2_000,
  maxWaitMs: 0,
});

/**
 * The wait before retry number `retry` (1 for the first retry): `baseDelayMs` doubling per retry,
 * times a jitter factor in [1, 2) (`random()` in [0, 1)), capped by `maxDelayMs`. Pure.
 *
 * @example
 * ```ts
 * backoffMs(1, { baseDelayMs: 25, maxDelayMs: 2000 }, () => 0); // 25
 * backoffMs(3, { baseDelayMs: 25, maxDelayMs: 2000 }, () => 0.5); // 150
 * ```
 */
export function backoffMs(
  retry: number,
  options: Pick<Required<RetryOptions>, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const base = options.baseDelayMs * 2 ** Math.max(0, Math.min(retry - 1, 30));
  return Math.max(0, Math.min(base * (1 + random()), options.maxDelayMs));
}

/**
 * Runs `attempt` until it succeeds, `mayRetry()` says no, or the attempts run out, waiting
 * {@link backoffMs} between tries. The caller's abort cancels a pending wait. The last error is rethrown.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  mayRetry: () => boolean,
  options: Required<RetryOptions>,
  signal?: AbortSignal,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (err) {
      if (tried >= options.attempts || !mayRetry()) throw err;
    }
    const wait = backoffMs(tried, options);
    if (wait > 0) await sleep(wait, signal);
  }
}
