import { TimeoutError } from '../core/errors.js';

/** Time limits of `ManagerOptions.timeouts`, ms; 0 turns one off. */
export interface TimeoutOptions {
  /**
   * A stream that has not produced its first bytes for the caller this long after the attempt began
   * (connecting and response headers included) fails over to another credential. Default 120 000.
   */
  firstByteMs?: number;
  /**
   * Longest gap between two events of a stream that has started (SSE comments do not count, so a
   * trickle of keep-alive comments is cut too). The caller gets an error event in its dialect. Default 300 000.
   */
  idleMs?: number;
  /**
   * Longest duration of a whole request, retries and the stream included. A request over it is never
   * retried; a stream over it ends with an error event. Default 0 (off).
   */
  totalMs?: number;
}

/** The defaults of {@link TimeoutOptions}. */
export const DEFAULT_TIMEOUTS: Readonly<Required<TimeoutOptions>> = Object.freeze({
  firstByteMs: 120_000,
  idleMs: 300_000,
  totalMs: 0,
});

/** The limits in force: the defaults with the given ones over them (negative values count as 0). */
export function resolveTimeouts(timeouts: TimeoutOptions | undefined, firstByteMs?: number): Required<TimeoutOptions> {
  const out: Required<TimeoutOptions> = { ...DEFAULT_TIMEOUTS };
  if (firstByteMs !== undefined) out.firstByteMs = Math.max(0, firstByteMs);
  for (const key of ['firstByteMs', 'idleMs', 'totalMs'] as const) {
    const value = timeouts?.[key];
    if (value !== undefined) out[key] = Math.max(0, value);
  }
  return out;
}

/** The time limits of one attempt, ms; 0 turns a limit off. */
export interface WatchdogLimits {
  /** From the start of the attempt (connect and headers included) to the first bytes for the caller. */
  firstByteMs: number;
  /** Longest gap between two stream events once the stream has started. */
  idleMs: number;
  /** What is left of the request's total duration. */
  totalMs: number;
  /** The request's whole total duration, as configured: what the error names. Default `totalMs`. */
  totalLimitMs?: number;
}

/**
 * The timers of one attempt. When one runs out it aborts the attempt's upstream call with a
 * {@link TimeoutError} that says which limit it was; the Manager reports that error instead of the abort.
 */
export interface Watchdog {
  /** The timeout that fired, if one did. */
  readonly fired: TimeoutError | undefined;
  /** True when what fired was the total duration (it is never retried). */
  readonly firedTotal: boolean;
  /** The stream produced its first bytes: from now on the idle limit applies. */
  started(): void;
  /** A stream event arrived. Cheap: it only notes the time; the timer checks it when it fires. */
  event(): void;
  stop(): void;
}

/**
 * Starts the timers of one attempt. Streams use all three limits; non-stream calls only the total (their
 * header and body timeouts are the executor's).
 */
export function startWatchdog(
  limits: WatchdogLimits,
  abort: (reason: TimeoutError) => void,
  now: () => number,
): Watchdog {
  let fired: TimeoutError | undefined;
  let firedTotal = false;
  let phase: 'first-byte' | 'idle' = 'first-byte';
  let lastEvent = now();
  let progress: NodeJS.Timeout | undefined;
  let total: NodeJS.Timeout | undefined;

  const fire = (error: TimeoutError, isTotal = false) => {
    if (fired) return;
    fired = error;
    firedTotal = isTotal;
    stop();
    abort(error);
  };
  const checkIdle = () => {
    const quiet = now() - lastEvent;
    if (quiet >= limits.idleMs) fire(new TimeoutError(`The upstream sent no stream event within ${limits.idleMs} ms`));
    else progress = unref(setTimeout(checkIdle, limits.idleMs - quiet));
  };
  const stop = () => {
    if (progress) clearTimeout(progress);
    if (total) clearTimeout(total);
    progress = undefined;
    total = undefined;
  };

  if (limits.firstByteMs > 0) {
    progress = unref(
      setTimeout(
        () => fire(new TimeoutError(`The upstream sent no data within ${limits.firstByteMs} ms`)),
        limits.firstByteMs,
      ),
    );
  }
  if (limits.totalMs > 0) {
    total = unref(
      setTimeout(
        () =>
          fire(
            new TimeoutError(
              `The request took longer than its total limit of ${limits.totalLimitMs ?? limits.totalMs} ms`,
            ),
            true,
          ),
        limits.totalMs,
      ),
    );
  }

  return {
    get fired() {
      return fired;
    },
    get firedTotal() {
      return firedTotal;
    },
    started() {
      if (phase === 'idle' || fired) return;
      phase = 'idle';
      if (progress) clearTimeout(progress);
      progress = undefined;
      lastEvent = now();
      if (limits.idleMs > 0) progress = unref(setTimeout(checkIdle, limits.idleMs));
    },
    event() {
      lastEvent = now();
    },
    stop,
  };
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref?.();
  return timer;
}
