import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../core/errors.js';
import { DEFAULT_COOLDOWN_POLICY, decideFailure, type FailureContext } from './failure-policy.js';

const ctx = (over: Partial<FailureContext> = {}): FailureContext => ({
  policy: DEFAULT_COOLDOWN_POLICY,
  quotaExceeded: 'skip-model',
  strikes: 0,
  canRefresh: false,
  ...over,
});
const err = (kind: ErrorKind, extra: { retryAfterMs?: number; credentialWide?: boolean } = {}) => ({
  kind,
  retryAfterMs: extra.retryAfterMs,
  credentialWide: extra.credentialWide ?? false,
});
const MIN = 60_000;

describe('decideFailure (the failure table)', () => {
  // kind, context, retry, refresh, cooldown scope, cooldown ms, transient
  const table: Array<
    [
      string,
      ReturnType<typeof err>,
      Partial<FailureContext>,
      boolean,
      boolean,
      string | undefined,
      number | undefined,
      boolean,
    ]
  > = [
    ['400 invalid request', err('invalid_request'), {}, false, false, undefined, undefined, false],
    ['client abort', err('aborted'), {}, false, false, undefined, undefined, false],
    ['unknown model', err('model_not_found'), {}, false, false, undefined, undefined, false],
    ['401 refreshable', err('unauthorized'), { canRefresh: true }, true, true, undefined, undefined, false],
    ['401 not refreshable: long, capped', err('unauthorized'), {}, true, false, 'credential', 30 * MIN, false],
    ['our own code threw', err('internal'), {}, false, false, undefined, undefined, false],
    ['the Manager is closing', err('closed'), {}, false, false, undefined, undefined, false],
    ['404 for the endpoint itself', err('endpoint_not_found'), {}, true, false, 'model', 30_000, false],
    ['403', err('forbidden'), {}, true, false, 'credential', 30 * MIN, false],
    [
      '402 / insufficient_quota',
      err('quota_exhausted', { credentialWide: true }),
      {},
      true,
      false,
      'credential',
      30 * MIN,
      false,
    ],
    ['404 on this credential', err('not_found'), {}, true, false, 'model', 30 * MIN, false],
    ['429 with hint', err('rate_limited', { retryAfterMs: 7_000 }), {}, true, false, 'model', 7_000, false],
    [
      '429 hint capped',
      err('rate_limited', { retryAfterMs: 3 * 24 * 60 * MIN }),
      {},
      true,
      false,
      'model',
      30 * MIN,
      false,
    ],
    ['429 without hint, first', err('rate_limited'), {}, true, false, 'model', 1_000, false],
    ['429 without hint, third repeat', err('rate_limited'), { strikes: 2 }, true, false, 'model', 4_000, false],
    ['429 without hint, doubling capped', err('rate_limited'), { strikes: 40 }, true, false, 'model', 5 * MIN, false],
    ['429 credential-wide', err('rate_limited', { credentialWide: true }), {}, true, false, 'credential', 1_000, false],
    ['429 skip-auth', err('rate_limited'), { quotaExceeded: 'skip-auth' }, true, false, 'credential', 1_000, false],
    ['429 fail-fast', err('rate_limited'), { quotaExceeded: 'fail-fast' }, false, false, 'model', 1_000, false],
    ['529 overloaded', err('overloaded'), {}, true, false, 'model', 30_000, true],
    ['5xx', err('upstream_error'), {}, true, false, 'model', 30_000, true],
    ['network', err('network'), {}, true, false, 'model', 30_000, true],
    ['timeout', err('timeout'), {}, true, false, 'model', 30_000, true],
  ];

  it.each(table)('%s', (_name, error, over, retry, refresh, scope, ms, transient) => {
    const decision = decideFailure(error, ctx(over));
    expect(decision.retry).toBe(retry);
    expect(decision.refresh).toBe(refresh);
    expect(decision.transient).toBe(transient);
    expect(decision.cooldown?.scope).toBe(scope);
    expect(decision.cooldown?.ms).toBe(ms);
  });

  it('uses the configured table', () => {
    const policy = { ...DEFAULT_COOLDOWN_POLICY, transientMs: 5_000, maxCooldownMs: 60_000 };
    expect(decideFailure(err('network'), ctx({ policy })).cooldown?.ms).toBe(5_000);
    expect(decideFailure(err('rate_limited', { retryAfterMs: 600_000 }), ctx({ policy })).cooldown?.ms).toBe(60_000);
    const unauthorized = { ...DEFAULT_COOLDOWN_POLICY, unauthorizedMs: 5 * MIN };
    expect(decideFailure(err('unauthorized'), ctx({ policy: unauthorized })).cooldown?.ms).toBe(5 * MIN);
  });
});
