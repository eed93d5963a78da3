import { parseDuration } from '../../core/duration.js';
import type { QuotaSnapshot } from '../../core/quota.js';

/** Above this a reset value is an epoch time, not a number of seconds (a 31-year window is not a window). */
const EPOCH_SECONDS = 1e9;
const EPOCH_MS = 1e12;

/**
 * What a REST service's rate-limit headers say about the key it answered for, in the variants services
 * use: `x-ratelimit-remaining` / `x-ratelimit-reset` (GitHub, many APIs: reset as epoch seconds or as
 * seconds to go), `x-rate-limit-*` (X/Twitter), the IETF draft's `ratelimit-remaining` /
 * `ratelimit-reset` (seconds to go) and its structured `ratelimit: "name";r=0;t=30`, and OpenAI's
 * `x-ratelimit-remaining-requests` / `x-ratelimit-reset-requests` (a duration such as `6m0s`).
 * Undefined when none of them is present.
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/
 * @see https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
 * @example
 * ```ts
 * readRateLimits({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' }, 0);
 * // { at: 0, remainingRequests: 0, requestsResetAt: 30000 }
 * ```
 */
export function readRateLimits(
  headers: Readonly<Record<string, string | undefined>>,
  now: number,
): QuotaSnapshot | undefined {
  let remaining: number | undefined;
  let reset: number | undefined;
  for (const prefix of ['x-ratelimit-', 'x-rate-limit-', 'ratelimit-']) {
    remaining ??= count(headers[`${prefix}remaining`] ?? headers[`${prefix}remaining-requests`]);
    reset ??= resetAt(headers[`${prefix}reset`] ?? headers[`${prefix}reset-requests`], now);
  }
  const structured = headers.ratelimit;
  if (structured !== undefined) {
    const r = /(?:^|;)\s*r=(\d+)/.exec(structured);
    const t = /(?:^|;)\s*t=(\d+)/.exec(structured);
    if (r) remaining ??= Number(r[1]);
    if (t) reset ??= now + Number(t[1]) * 1000;
  }
  if (remaining === undefined && reset === undefined) return undefined;
  const snapshot: QuotaSnapshot = { at: now };
  if (remaining !== undefined) snapshot.remainingRequests = remaining;
  if (reset !== undefined) snapshot.requestsResetAt = reset;
  return snapshot;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function resetAt(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) {
    if (n >= EPOCH_MS) return n;
    if (n >= EPOCH_SECONDS) return n * 1000;
    return now + n * 1000;
  }
  const duration = parseDuration(value);
  return duration === undefined ? undefined : now + duration;
}
