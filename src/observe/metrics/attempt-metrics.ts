import type { Registry } from 'prom-client';
import type { AttemptInfo, AttemptResult } from '../../manager/types.js';
import { CounterFamily, type CounterSeries } from './counter-family.js';

/** Failed attempts still waiting to learn whether another attempt follows, at most this many. */
const MAX_PENDING = 10_000;

/**
 * The metrics of attempts: attempts and failed attempts by provider (and credential when the operator
 * opts in), and the retries (same credential again, e.g. after an OAuth refresh) and failovers (another
 * credential) that failures caused, by the failure's kind. Whether a failure was retried is learnt from
 * the next attempt of the same request.
 */
export class AttemptMetrics {
  /** The metric names, for removing them again. */
  readonly names: string[] = [];
  readonly #credentialLabels: boolean;
  readonly #attempts: CounterFamily;
  readonly #failures: CounterFamily;
  readonly #retries: CounterFamily;
  readonly #failovers: CounterFamily;
  /** provider -> credential ('' unless labelled) -> child. */
  readonly #attemptChildren = new Map<string, Map<string, CounterSeries>>();
  /** provider -> reason -> credential -> child. */
  readonly #failureChildren = new Map<string, Map<string, Map<string, CounterSeries>>>();
  readonly #retryChildren = new Map<string, CounterSeries>();
  readonly #failoverChildren = new Map<string, CounterSeries>();
  /** The last failure of each request that may still be retried. */
  readonly #pending = new Map<string, { credentialId: string; reason: string }>();

  constructor(registry: Registry, prefix: string, credentialLabels: boolean) {
    const name = (suffix: string) => {
      this.names.push(prefix + suffix);
      return prefix + suffix;
    };
    this.#credentialLabels = credentialLabels;
    const byCredential = credentialLabels ? ['credential'] : [];
    this.#attempts = new CounterFamily(
      registry,
      name('attempts_total'),
      'Attempts on upstream credentials (a request takes several when it fails over).',
      ['provider', ...byCredential],
    );
    this.#failures = new CounterFamily(
      registry,
      name('attempt_failures_total'),
      'Failed attempts, by the kind of failure (rate_limited, unauthorized, network, ...).',
      ['provider', 'reason', ...byCredential],
    );
    this.#retries = new CounterFamily(
      registry,
      name('retries_total'),
      'Attempts made again on the same credential (e.g. after refreshing an OAuth token), by the failure that caused them.',
      ['reason'],
    );
    this.#failovers = new CounterFamily(
      registry,
      name('failovers_total'),
      'Attempts moved to another credential, by the failure that caused them.',
      ['reason'],
    );
  }

  onAttempt(info: AttemptInfo): void {
    if (info.attempt < 2 || this.#pending.size === 0) return;
    const previous = this.#pending.get(info.requestId);
    if (!previous) return;
    this.#pending.delete(info.requestId);
    const same = previous.credentialId === info.credentialId;
    const children = same ? this.#retryChildren : this.#failoverChildren;
    let child = children.get(previous.reason);
    if (!child) {
      child = (same ? this.#retries : this.#failovers).series(previous.reason);
      children.set(previous.reason, child);
    }
    child.value += 1;
  }

  onResult(result: AttemptResult): void {
    const credential = this.#credentialLabels ? result.credentialId : '';
    let byCredential = this.#attemptChildren.get(result.provider);
    if (!byCredential) {
      byCredential = new Map();
      this.#attemptChildren.set(result.provider, byCredential);
    }
    let attempts = byCredential.get(credential);
    if (!attempts) {
      attempts = this.#attempts.series(result.provider, credential);
      byCredential.set(credential, attempts);
    }
    attempts.value += 1;
    if (result.ok) return;
    const reason = result.error?.kind ?? 'internal';
    this.#failure(result.provider, reason, credential).value += 1;
    if (this.#pending.size >= MAX_PENDING) {
      // A request that never finished must not hold its entry forever: the oldest goes first.
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    this.#pending.set(result.requestId, { credentialId: result.credentialId, reason });
  }

  /** The request finished: no attempt follows its last failure. */
  finished(requestId: string): void {
    if (this.#pending.size > 0) this.#pending.delete(requestId);
  }

  #failure(provider: string, reason: string, credential: string): CounterSeries {
    let byReason = this.#failureChildren.get(provider);
    if (!byReason) {
      byReason = new Map();
      this.#failureChildren.set(provider, byReason);
    }
    let byCredential = byReason.get(reason);
    if (!byCredential) {
      byCredential = new Map();
      byReason.set(reason, byCredential);
    }
    let child = byCredential.get(credential);
    if (!child) {
      child = this.#failures.series(provider, reason, credential);
      byCredential.set(credential, child);
    }
    return child;
  }
}
