import type { Credential } from '../core/credential.js';
import { NoCredentialsError, RateLimitedError } from '../core/errors.js';
import type { Executor } from '../executors/types.js';
import type { RunState } from './run-state.js';
import { extractSessionKey } from './selectors/session-key.js';
import type { PickContext, Selector } from './selectors/types.js';
import { sleep } from './sleep.js';
import type { SelectionState, StateStore } from './state/types.js';

/** What {@link buildPickContext} needs. */
export interface PickContextInput {
  model: string;
  key: string;
  selection: SelectionState;
  state: StateStore;
  now: number;
  /** Not available whatever their state (tried already by this request, or without an executor). */
  excluded?: (credential: Credential) => boolean;
  sessionKey?: string | undefined;
}

/**
 * The context a selector picks in: a credential is available unless excluded or cooling until after
 * `now`. The Manager and the selector tests build it here, the same way.
 */
export function buildPickContext(input: PickContextInput): PickContext {
  const { selection, now, excluded } = input;
  const unavailable = selection.unavailable;
  const ctx: PickContext = {
    model: input.model,
    key: input.key,
    cursor: selection.cursor,
    isAvailable: (c) => {
      if (excluded?.(c)) return false;
      const until = unavailable.get(c.id);
      return until === undefined || until <= now;
    },
    state: input.state,
    now,
  };
  if (selection.inFlight) ctx.inFlight = selection.inFlight;
  if (input.sessionKey !== undefined) ctx.sessionKey = input.sessionKey;
  return ctx;
}

/** What {@link pickCredential} reads. */
export interface PickDeps {
  state: StateStore;
  selector: Selector;
  executors: ReadonlyMap<string, Executor>;
  /** The live record of a credential (the selector may hand back a stale copy). */
  current(id: string): Credential | undefined;
  now(): number;
  /** Wait for a cooling credential up to this long instead of failing (0: never wait). */
  maxWaitMs: number;
}

/**
 * Picks the credential for the next attempt of `run`. When none is available it explains why: the last
 * attempt's error, "no executor for provider X", or a 429 with the earliest time a credential is back
 * (waiting for it instead when that is within `maxWaitMs` and nothing was tried yet).
 */
export async function pickCredential(deps: PickDeps, run: RunState): Promise<Credential> {
  const { route } = run;
  const { executors, selector } = deps;
  const needs = selector.needs ?? {};
  for (;;) {
    const now = deps.now();
    const selection = await deps.state.selection({
      cursorKey: route.key,
      model: route.request.model,
      now,
      ...(needs.cursor ? { advanceCursor: true } : {}),
      ...(needs.inFlight ? { withInFlight: true } : {}),
    });
    if (needs.session && run.sessionKey === undefined) {
      run.sessionKey = extractSessionKey(run.input.dialect, run.input.body, run.input.headers ?? {}) ?? null;
    }
    const tried = run.tried;
    const ctx = buildPickContext({
      model: route.request.model,
      key: route.key,
      selection,
      state: deps.state,
      now,
      excluded: (c) => tried.has(c.id) || !executors.has(c.provider),
      sessionKey: needs.session && run.sessionKey ? `${route.key}|${run.sessionKey}` : undefined,
    });
    const picked = await selector.pick(route.candidates, ctx);
    if (picked) {
      run.staleCooldown = selection.unavailable.has(picked.id);
      return deps.current(picked.id) ?? picked;
    }
    const waitMs = whyNone(run, selection, executors, now, deps.maxWaitMs);
    await sleep(waitMs, run.input.signal);
  }
}

/** Throws the reason nothing is available, or returns how long to wait for the earliest cooldown. */
function whyNone(
  run: RunState,
  selection: SelectionState,
  executors: ReadonlyMap<string, Executor>,
  now: number,
  maxWaitMs: number,
): number {
  const { route, lastError } = run;
  const limited = lastError?.kind === 'rate_limited' || lastError?.kind === 'quota_exhausted';
  if (lastError && !limited) throw lastError;
  let earliest = Number.POSITIVE_INFINITY;
  for (const c of route.candidates) {
    if (!executors.has(c.provider)) continue;
    const until = selection.unavailable.get(c.id);
    if (until !== undefined && until > now && until < earliest) earliest = until;
  }
  if (lastError && earliest === Number.POSITIVE_INFINITY) throw lastError;
  if (earliest === Number.POSITIVE_INFINITY) {
    const missing = route.candidates.find((c) => !executors.has(c.provider));
    throw new NoCredentialsError(
      missing
        ? `No executor is registered for provider '${missing.provider}'`
        : `No credential can serve '${route.key}' right now`,
    );
  }
  const waitMs = Math.max(0, earliest - now);
  if (lastError || waitMs > maxWaitMs) {
    throw new RateLimitedError(`Every credential for '${route.key}' is cooling down`, { retryAfterMs: waitMs });
  }
  return waitMs;
}
