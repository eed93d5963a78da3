/**
 * What a provider's rate-limit headers said about a credential's remaining quota, read off every
 * response (`x-ratelimit-*`, `anthropic-ratelimit-*`, ...). Selectors skip a credential whose snapshot
 * says a limit is exhausted until that limit resets, before it ever gets a 429.
 */
export interface QuotaSnapshot {
  /** When the snapshot was taken, epoch ms. */
  at: number;
  /** Remaining requests in the current window, when known. */
  remainingRequests?: number;
  /** Remaining tokens in the current window, when known. */
  remainingTokens?: number;
  /** When the request window resets, epoch ms. */
  requestsResetAt?: number;
  /** When the token window resets, epoch ms. */
  tokensResetAt?: number;
}

/** If the snapshot says a limit is used up, the epoch ms at which it resets; otherwise undefined. */
export function quotaExhaustedUntil(snapshot: QuotaSnapshot): number | undefined {
  let until: number | undefined;
  if (snapshot.remainingRequests === 0 && snapshot.requestsResetAt !== undefined) until = snapshot.requestsResetAt;
  if (snapshot.remainingTokens === 0 && snapshot.tokensResetAt !== undefined) {
    until = Math.max(until ?? 0, snapshot.tokensResetAt);
  }
  return until;
}
