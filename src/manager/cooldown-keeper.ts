import type { SwitchyardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { type QuotaSnapshot, quotaExhaustedUntil } from '../core/quota.js';
import type { CooldownPolicy, FailureDecision, QuotaExceededBehaviour } from './failure-policy.js';
import { decideFailure } from './failure-policy.js';
import type { StateStore } from './state/types.js';
import { ALL_MODELS } from './state/types.js';

interface Deps {
  state: StateStore;
  policy: CooldownPolicy;
  quotaExceeded: QuotaExceededBehaviour;
  logger: Logger;
  now: () => number;
}

/** What one failed attempt did to its credential. */
export interface FailureOutcome {
  decision: FailureDecision;
  cooldown?: { model: string; until: number; reason: string };
}

/**
 * Applies the failure table to the shared state: cooldowns per model or per credential (with the strike
 * count that doubles hint-less 429s), the circuit breaker, quota snapshots, and the clearing that follows
 * a success. The decision itself is {@link decideFailure}'s; this class only records it.
 */
export class CooldownKeeper {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Decides about a failed attempt and records the cooldown and circuit state it calls for. */
  async failed(args: {
    credentialId: string;
    model: string;
    error: SwitchyardError;
    canRefresh: boolean;
    requestId: string;
  }): Promise<FailureOutcome> {
    const { state, policy, logger, now } = this.#deps;
    const { credentialId, model, error } = args;
    const previous = await state.getCooldown(credentialId, model);
    const strikes = previous && previous.reason === error.kind ? previous.strikes : 0;
    const decision = decideFailure(error, {
      policy,
      quotaExceeded: this.#deps.quotaExceeded,
      strikes,
      canRefresh: args.canRefresh,
    });
    const outcome: FailureOutcome = { decision };
    if (decision.cooldown) {
      const scopeModel = decision.cooldown.scope === 'credential' ? ALL_MODELS : model;
      const until = now() + decision.cooldown.ms;
      await state.setCooldown({
        credentialId,
        model: scopeModel,
        until,
        reason: decision.cooldown.reason,
        strikes: strikes + 1,
      });
      outcome.cooldown = { model: scopeModel, until, reason: decision.cooldown.reason };
      if (decision.cooldown.reason === 'endpoint') {
        const path = error.upstream?.path;
        logger.warn(
          { requestId: args.requestId, credentialId, provider: error.upstream?.provider, path, until },
          `credential ${credentialId}: the upstream does not serve ${path ?? 'this endpoint'} (404); ` +
            'check its base URL (it usually ends in the API version, e.g. /v1) and that the service speaks this API',
        );
      } else {
        logger.warn(
          { requestId: args.requestId, credentialId, code: error.code, model: scopeModel, until },
          'credential cooling down',
        );
      }
    }
    if (decision.transient) {
      const failures = await state.recordFailure(credentialId);
      if (failures >= policy.circuitThreshold) {
        const until = now() + policy.circuitOpenMs;
        await state.setCooldown({ credentialId, model: ALL_MODELS, until, reason: 'circuit_open', strikes: failures });
        logger.warn({ credentialId, failures, until }, 'circuit opened');
      }
    }
    return outcome;
  }

  /**
   * Records a success: resets the circuit count and, when the credential had a cooldown that ran out,
   * forgets it, so the next hint-less 429 starts over at the base cooldown. Never throws.
   */
  async succeeded(credentialId: string, model: string, hadExpiredCooldown: boolean): Promise<void> {
    const { state, logger } = this.#deps;
    try {
      await state.recordSuccess(credentialId);
      if (hadExpiredCooldown) {
        await state.clearCooldown(credentialId, model);
        await state.clearCooldown(credentialId, ALL_MODELS);
      }
    } catch (err) {
      logger.warn({ credentialId, error: (err as Error).message }, 'recording success failed');
    }
  }

  /** Keeps a rate-limit snapshot; one that says a limit is used up cools the credential until its reset (capped). */
  async quota(credentialId: string, snapshot: QuotaSnapshot): Promise<void> {
    const { state, policy, now } = this.#deps;
    await state.setQuota(credentialId, snapshot);
    const until = quotaExhaustedUntil(snapshot);
    if (until !== undefined && until > now()) {
      await state.setCooldown({
        credentialId,
        model: ALL_MODELS,
        until: Math.min(until, now() + policy.maxCooldownMs),
        reason: 'quota_snapshot',
        strikes: 1,
      });
    }
  }
}
