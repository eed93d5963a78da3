import type { ErrorKind, SwitchyardError } from '../core/errors.js';
import type { CooldownReason } from './state/types.js';

/** What to do when a credential answers with a quota or rate-limit error. */
export type QuotaExceededBehaviour = 'fail-fast' | 'skip-model' | 'skip-auth';

/**
 * Cooldown durations, ms. Every entry can be overridden through `ManagerOptions.cooldowns`.
 * Upstream reset hints are capped by `maxCooldownMs` so a credential never sits idle for days after
 * its quota came back.
 */
export interface CooldownPolicy {
  /** First cooldown of a 429 without a reset hint; doubles per repeat. Default 1 s. */
  rateLimitBaseMs: number;
  /** Cap of the doubling for hint-less 429s. Default 5 min. */
  rateLimitMaxMs: number;
  /** Quota exhausted / billing / 402 / 403 with no hint. Default 30 min. */
  quotaMs: number;
  /**
   * 401 on a credential that cannot be refreshed: it is disabled this long, or until its secret changes
   * (whichever comes first). Default 30 min.
   */
  unauthorizedMs: number;
  /** 404: this credential does not serve the model. Default 30 min. */
  notFoundMs: number;
  /** 408 / 5xx / 529 / network / timeout / empty or truncated stream. Default 30 s. */
  transientMs: number;
  /** A failed OAuth refresh; doubles per repeat up to `rateLimitMaxMs`. Default 10 s. */
  refreshFailureMs: number;
  /** Cap on any cooldown taken from an upstream hint. Default 30 min. */
  maxCooldownMs: number;
  /** Consecutive transient failures that open the credential's circuit. Default 5. */
  circuitThreshold: number;
  /** How long an open circuit keeps the credential out. Default 60 s. */
  circuitOpenMs: number;
}

/** The defaults of {@link CooldownPolicy}. */
export const DEFAULT_COOLDOWN_POLICY: Readonly<CooldownPolicy> = Object.freeze({
  rateLimitBaseMs: 1_000,
  rateLimitMaxMs: 5 * 60_000,
  quotaMs: 30 * 60_000,
  unauthorizedMs: 30 * 60_000,
  notFoundMs: 30 * 60_000,
  transientMs: 30_000,
  refreshFailureMs: 10_000,
  maxCooldownMs: 30 * 60_000,
  circuitThreshold: 5,
  circuitOpenMs: 60_000,
});

/** What the Manager knows when it decides about one failed attempt. */
export interface FailureContext {
  policy: CooldownPolicy;
  quotaExceeded: QuotaExceededBehaviour;
  /** Previous strikes of the same cooldown (0 when none). */
  strikes: number;
  /** The credential can be refreshed (OAuth with a refresh path) and was not refreshed for this request yet. */
  canRefresh: boolean;
}

/** The decision for one failed attempt. */
export interface FailureDecision {
  /** Try again (on another credential, or on the same after a refresh). */
  retry: boolean;
  /** Refresh the credential and retry it once before failing over. */
  refresh: boolean;
  /** The cooldown to apply to the credential that failed, if any. */
  cooldown?: { scope: 'model' | 'credential'; ms: number; reason: CooldownReason };
  /** Counts towards the credential's circuit breaker. */
  transient: boolean;
}

const NO_RETRY: FailureDecision = { retry: false, refresh: false, transient: false };

function capped(ms: number, cap: number): number {
  return Math.max(0, Math.min(ms, cap));
}

/**
 * The failure table: one pure function from an error and its context to retry / refresh / cooldown.
 * Its rows are listed in `docs/failures.md`, shipped with the package. Invalid requests and client
 * aborts never retry and never cool a credential down; nothing here knows whether bytes reached the
 * caller (the Manager never retries then).
 */
export function decideFailure(
  error: Pick<SwitchyardError, 'kind' | 'retryAfterMs' | 'credentialWide'>,
  ctx: FailureContext,
): FailureDecision {
  const { policy } = ctx;
  const kind: ErrorKind = error.kind;
  const hint = error.retryAfterMs;
  switch (kind) {
    case 'invalid_request':
    case 'aborted':
    case 'model_not_found':
    case 'no_credentials':
    case 'conflict':
    case 'config':
    case 'internal':
    case 'closed':
      return NO_RETRY;
    case 'unauthorized':
      if (ctx.canRefresh) return { retry: true, refresh: true, transient: false };
      return {
        retry: true,
        refresh: false,
        transient: false,
        cooldown: { scope: 'credential', ms: Math.max(0, policy.unauthorizedMs), reason: 'unauthorized' },
      };
    case 'forbidden':
      return {
        retry: true,
        refresh: false,
        transient: false,
        cooldown: {
          scope: 'credential',
          ms: capped(hint ?? policy.quotaMs, policy.maxCooldownMs),
          reason: 'forbidden',
        },
      };
    case 'not_found':
      return {
        retry: true,
        refresh: false,
        transient: false,
        cooldown: { scope: 'model', ms: capped(policy.notFoundMs, policy.maxCooldownMs), reason: 'not_found' },
      };
    case 'refresh_failed':
      // The refresher has recorded its own doubling backoff for the whole credential: fail over.
      return { retry: true, refresh: false, transient: false };
    case 'endpoint_not_found':
      // A wrong base URL or a service without that API: another credential may be set up right, and
      // this one is only parked briefly (it is a setup mistake, not a worn-out credential).
      return {
        retry: true,
        refresh: false,
        transient: false,
        cooldown: { scope: 'model', ms: capped(policy.transientMs, policy.maxCooldownMs), reason: 'endpoint' },
      };
    case 'quota_exhausted':
    case 'rate_limited': {
      const quota = kind === 'quota_exhausted';
      const fallback = quota
        ? policy.quotaMs
        : Math.min(policy.rateLimitBaseMs * 2 ** Math.min(ctx.strikes, 30), policy.rateLimitMaxMs);
      const scope = error.credentialWide || ctx.quotaExceeded === 'skip-auth' ? 'credential' : 'model';
      return {
        retry: ctx.quotaExceeded !== 'fail-fast',
        refresh: false,
        transient: false,
        cooldown: { scope, ms: capped(hint ?? fallback, policy.maxCooldownMs), reason: kind },
      };
    }
    case 'overloaded':
    case 'upstream_error':
    case 'network':
    case 'timeout':
      return {
        retry: true,
        refresh: false,
        transient: true,
        cooldown: { scope: 'model', ms: capped(hint ?? policy.transientMs, policy.maxCooldownMs), reason: 'transient' },
      };
  }
}
