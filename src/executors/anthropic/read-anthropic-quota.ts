import type { QuotaSnapshot } from '../../core/quota.js';

const TOKEN_BUCKETS = ['tokens', 'input-tokens', 'output-tokens'] as const;

/**
 * Reads Anthropic's `anthropic-ratelimit-*` headers (remaining counts, RFC 3339 reset times) into a
 * snapshot; undefined when none are present. Of the token buckets (all, input, output) the one with
 * the fewest tokens left is reported, since it is the one that will stop requests first.
 *
 * @see https://docs.anthropic.com/en/api/rate-limits#response-headers
 * @example
 * ```ts
 * readAnthropicQuota({ 'anthropic-ratelimit-requests-remaining': '0',
 *   'anthropic-ratelimit-requests-reset': '2025-01-01T00:00:30Z' }, Date.parse('2025-01-01T00:00:00Z'));
 * // { at: …, remainingRequests: 0, requestsResetAt: Date.parse('2025-01-01T00:00:30Z') }
 * ```
 */
export function readAnthropicQuota(headers: Readonly<Record<string, string>>, now: number): QuotaSnapshot | undefined {
  const requests = toNumber(headers['anthropic-ratelimit-requests-remaining']);
  const requestsReset = toDate(headers['anthropic-ratelimit-requests-reset']);
  let tokens: number | undefined;
  let tokensReset: number | undefined;
  for (const bucket of TOKEN_BUCKETS) {
    const remaining = toNumber(headers[`anthropic-ratelimit-${bucket}-remaining`]);
    const reset = toDate(headers[`anthropic-ratelimit-${bucket}-reset`]);
    if (remaining === undefined) continue;
    if (tokens === undefined || remaining < tokens) {
      tokens = remaining;
      tokensReset = reset;
    }
  }
  if (requests === undefined && requestsReset === undefined && tokens === undefined) return undefined;
  const snapshot: QuotaSnapshot = { at: now };
  if (requests !== undefined) snapshot.remainingRequests = requests;
  if (requestsReset !== undefined) snapshot.requestsResetAt = requestsReset;
  if (tokens !== undefined) snapshot.remainingTokens = tokens;
  if (tokensReset !== undefined) snapshot.tokensResetAt = tokensReset;
  return snapshot;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function toDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
