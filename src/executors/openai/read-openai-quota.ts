import { parseDuration } from '../../core/duration.js';
import type { QuotaSnapshot } from '../../core/quota.js';

/**
 * Reads OpenAI's rate-limit headers (`x-ratelimit-remaining-requests`, `-tokens`, and the
 * `x-ratelimit-reset-*` durations) into a snapshot; undefined when none are present. OpenRouter, Groq
 * and most compatible services send the same names.
 *
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 * @example
 * ```ts
 * readOpenAIQuota({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s' }, 0);
 * // { at: 0, remainingRequests: 0, requestsResetAt: 1000 }
 * ```
 */
export function readOpenAIQuota(headers: Readonly<Record<string, string>>, now: number): QuotaSnapshot | undefined {
  const requests = toNumber(headers['x-ratelimit-remaining-requests']);
  const tokens = toNumber(headers['x-ratelimit-remaining-tokens']);
  const requestsReset = parseDuration(headers['x-ratelimit-reset-requests']);
  const tokensReset = parseDuration(headers['x-ratelimit-reset-tokens']);
  if (requests === undefined && tokens === undefined && requestsReset === undefined && tokensReset === undefined) {
    return undefined;
  }
  const snapshot: QuotaSnapshot = { at: now };
  if (requests !== undefined) snapshot.remainingRequests = requests;
  if (tokens !== undefined) snapshot.remainingTokens = tokens;
  if (requestsReset !== undefined) snapshot.requestsResetAt = now + requestsReset;
  if (tokensReset !== undefined) snapshot.tokensResetAt = now + tokensReset;
  return snapshot;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
