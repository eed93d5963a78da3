import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from '../core/logger.js';
import { MemoryStateStore } from '../manager/state/memory/memory-state-store.js';
import type { StateStore } from '../manager/state/types.js';

// `switchyard serve --workers N`: a node:cluster primary that serves nothing itself, forks N workers
// running the same gateway on the same port (the primary accepts connections and hands them out in
// turn), restarts a worker that dies, drains them all on SIGTERM/SIGINT and forwards SIGHUP as a
// config reload. It also holds the credential-refresh locks, so that without Redis two workers never
// refresh the same OAuth credential at once (a rotating refresh token would be spent twice).

/** The environment variable that tells a forked process which worker it is (1-based). */
export const WORKER_ENV = 'SWITCHYARD_WORKER';

/** The first restart of a crashed worker waits this long; each crash in a row doubles it. */
const RESTART_BASE_MS = 250;
const RESTART_MAX_MS = 30_000;
/** A worker that ran this long before dying starts its backoff again from the base delay. */
const RESTART_RESET_MS = 30_000;
/** How long a worker waits for the primary to answer a lock request before taking a local lock. */
const LOCK_ANSWER_MS = 2_000;

/**
 * The number of workers of `--workers` (a string) or the config's `workers:` (a number or `auto`):
 * a whole number from 1 to 1024, or `auto` for `os.availableParallelism()`. Throws an Error whose
 * message says what is accepted.
 */
export function parseWorkers(value: string | number, source = '--workers'): number {
  if (value === 'auto') return availableParallelism();
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new Error(
      `${source} must be a whole number of processes from 1 to 1024, or "auto" (one per core: ${availableParallelism()} here), got "${value}"`,
    );
  }
  return n;
}

/** Which worker this process is, when it is one of `switchyard serve --workers N`. */
export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const n = Number(process.env[WORKER_ENV]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The logger with `worker` and `pid` on every line. */
export function tagLogger(logger: Logger, worker: number | 'primary'): Logger {
  const fields = { worker, pid: process.pid };
  return {
    debug: (o, m) => logger.debug({ ...o, ...fields }, m),
    info: (o, m) => logger.info({ ...o, ...fields }, m),
    warn: (o, m) => logger.warn({ ...o, ...fields }, m),
    error: (o, m) => logger.error({ ...o, ...fields }, m),
  };
}

/** Messages between the primary and its workers (tagged, so nothing else on the channel is mistaken for one). */
export type ToPrimary =
  | { switchyard: 'ready'; banner: string }
  | { switchyard: 'lock'; id: number; key: string; ttlMs: number }
  | { switchyard: 'unlock'; id: number };
export type ToWorker = { switchyard: 'lock-result'; id: number; granted: boolean } | { switchyard: 'reload' };

/** A worker's end of the IPC channel (`process` in a worker). */
export interface PrimaryChannel {
  send?(message: ToPrimary): unknown;
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

function isMessage<T extends { switchyard: string }>(value: unknown): value is T {
  return (
    typeof value === 'object' && value !== null && typeof (value as { switchyard?: unknown }).switchyard === 'string'
  );
}

/** Tells the primary this worker listens; the primary prints `banner` once every worker does. */
export function reportReady(banner: string): void {
  const message: ToPrimary = { switchyard: 'ready', banner };
  process.send?.(message);
}

/** Calls `reload` when the primary forwards a SIGHUP. */
export function onReload(reload: () => void): void {
  process.on('message', (message: unknown) => {
    if (isMessage<ToWorker>(message) && message.switchyard === 'reload') reload();
  });
}

/**
 * A worker's routing state without Redis: its own memory, except the locks (credential refresh), which
 * the primary holds for all workers. A primary that does not answer in time (it is going away) leaves
 * the worker a local lock, as a single process would have.
 */
export function clusterStateStore(
  channel: PrimaryChannel = process as PrimaryChannel,
  answerMs = LOCK_ANSWER_MS,
): StateStore {
  const local = new MemoryStateStore();
  const pending = new Map<number, (granted: boolean) => void>();
  let next = 0;
  channel.on('message', (message: unknown) => {
    if (!isMessage<ToWorker>(message) || message.switchyard !== 'lock-result') return;
    pending.get(message.id)?.(message.granted);
    pending.delete(message.id);
  });
  const lock = async (key: string, ttlMs: number): Promise<(() => void) | undefined> => {
    if (!channel.connected || !channel.send) return local.lock(key, ttlMs);
    const id = ++next;
    const granted = await new Promise<boolean | undefined>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(undefined);
      }, answerMs);
      timer.unref();
      pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      channel.send?.({ switchyard: 'lock', id, key, ttlMs });
    });
    if (granted === undefined) return local.lock(key, ttlMs);
    if (!granted) return undefined;
    return () => {
      if (channel.connected) channel.send?.({ switchyard: 'unlock', id });
    };
  };
  // Every other method is the memory store's own, bound once (they are called on every request).
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(local, {
    get(target, property) {
      if (property === 'lock') return lock;
      if (bound.has(property)) return bound.get(property);
      const value: unknown = Reflect.get(target, property, target);
      const out = typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      bound.set(property, out);
      return out;
    },
  }) as StateStore;
}

/** The primary's locks, held for every worker: answers lock requests, releases what a dead worker held. */
export function createLockTable(): {
  /** The answer to `message` from worker `owner` (its pid), or undefined when none is due. */
  handle(owner: number, message: ToPrimary): ToWorker | undefined;
  /** Releases every lock `owner` holds (it exited). */
  releaseAll(owner: number): void;
} {
  const locks = new MemoryStateStore();
  /** `<owner>:<request id>` → release. */
  const held = new Map<string, () => void>();
  return {
    handle(owner, message) {
      if (message.switchyard === 'lock') {
        const release = locks.lock(message.key, message.ttlMs);
        if (release) held.set(`${owner}:${message.id}`, release);
        return { switchyard: 'lock-result', id: message.id, granted: release !== undefined };
      }
      if (message.switchyard === 'unlock') {
        held.get(`${owner}:${message.id}`)?.();
        held.delete(`${owner}:${message.id}`);
      }
      return undefined;
    },
    releaseAll(owner) {
      for (const [key, release] of held) {
        if (!key.startsWith(`${owner}:`)) continue;
        release();
        held.delete(key);
      }
    },
  };
}

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  workers: number;
  /** The workers' `--grace`: how long the primary waits for them to drain before it kills them. */
  graceMs: number;
  logger: Logger;
  /** Printed once, after the banner of the first worker, when every worker listens. */
  notes?: string[];
  stdout: (text: string) => void;
}

interface Slot {
  index: number;
  worker: Worker | undefined;
  startedAt: number;
  /** Crashes in a row (reset once a worker has run for a while). */
  strikes: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Runs the cluster's primary: forks the first worker and waits for it to listen (a config mistake is
 * then reported once, by that worker, and the primary exits with its code), then the others; prints
 * the banner; restarts a worker that exits, with a backoff from 250 ms doubling to 30 s; on
 * SIGTERM/SIGINT asks every worker to drain (each runs serve's graceful shutdown) and resolves to 0
 * once all exited cleanly (1 otherwise); forwards SIGHUP to every worker as a config reload.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { logger } = options;
  const slots: Slot[] = Array.from({ length: options.workers }, (_, i) => ({
    index: i + 1,
    worker: undefined,
    startedAt: 0,
    strikes: 0,
    timer: undefined,
  }));
  const locks = createLockTable();
  let stopping = false;
  let ready = false;
  let failure: number | undefined;
  let stopped: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    stopped = resolve;
  });
  const alive = () => slots.filter((s) => s.worker !== undefined);
  const readyWaiters = new Map<Slot, (banner: string | undefined) => void>();

  const onMessage = (slot: Slot, worker: Worker, message: unknown) => {
    if (!isMessage<ToPrimary>(message)) return;
    if (message.switchyard === 'ready') {
      readyWaiters.get(slot)?.(message.banner);
      return;
    }
    const answer = locks.handle(worker.process.pid ?? 0, message);
    if (answer && worker.isConnected()) worker.send(answer);
  };

  const fork = (slot: Slot): Promise<string | undefined> => {
    const worker = cluster.fork({ [WORKER_ENV]: String(slot.index) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    const listening = new Promise<string | undefined>((resolve) => readyWaiters.set(slot, resolve));
    worker.on('message', (message: unknown) => onMessage(slot, worker, message));
    worker.once('exit', (code, signal) => {
      readyWaiters.get(slot)?.(undefined);
      readyWaiters.delete(slot);
      slot.worker = undefined;
      locks.releaseAll(worker.process.pid ?? 0);
      if (code !== 0) failure ??= code ?? 1;
      if (stopping || !ready) {
        if (alive().length === 0) stopped(failure ?? 0);
        return;
      }
      restart(slot, worker.process.pid, code, signal);
    });
    void listening.then(() => readyWaiters.delete(slot));
    return listening;
  };

  const restart = (slot: Slot, pid: number | undefined, code: number | null, signal: string | null) => {
    if (Date.now() - slot.startedAt >= RESTART_RESET_MS) slot.strikes = 0;
    slot.strikes++;
    const delayMs = Math.min(RESTART_BASE_MS * 2 ** (slot.strikes - 1), RESTART_MAX_MS);
    logger.error(
      { exitedWorker: slot.index, exitedPid: pid, code, signal, restartInMs: delayMs, crashesInARow: slot.strikes },
      'worker exited; restarting it',
    );
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (stopping) return;
      void fork(slot).then((banner) => {
        if (banner !== undefined) {
          logger.info({ restartedWorker: slot.index, newPid: slot.worker?.process.pid }, 'worker restarted');
        }
      });
    }, delayMs);
  };

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: alive().length }, 'stopping: every worker drains its in-flight requests');
    for (const slot of slots) if (slot.timer) clearTimeout(slot.timer);
    if (alive().length === 0) {
      stopped(failure ?? 0);
      return;
    }
    for (const slot of alive()) slot.worker?.process.kill('SIGTERM');
    // A worker stuck past its own grace period is killed (and the exit code says so).
    const force = setTimeout(() => {
      for (const slot of alive()) {
        logger.error(
          { stuckWorker: slot.index, stuckPid: slot.worker?.process.pid },
          'worker did not stop; killing it',
        );
        slot.worker?.process.kill('SIGKILL');
      }
    }, options.graceMs + 5_000);
    force.unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => {
    logger.info({ workers: alive().length }, 'SIGHUP: every worker reloads the config');
    const message: ToWorker = { switchyard: 'reload' };
    for (const slot of alive()) if (slot.worker?.isConnected()) slot.worker.send(message);
  });

  // The first worker alone, so that a config mistake is reported once; then the others together.
  const [first] = slots;
  const banner = await fork(first!);
  if (banner !== undefined && !stopping) {
    const others = await Promise.all(slots.slice(1).map((slot) => fork(slot)));
    if (others.every((b) => b !== undefined) && !stopping) {
      ready = true;
      const pids = slots.map((s) => s.worker?.process.pid).join(', ');
      options.stdout(
        `${banner.replace(/\n$/, '')}\n  workers:     ${options.workers} (node:cluster; pids ${pids})\n${(options.notes ?? []).map((n) => `  ${n}\n`).join('')}\n`,
      );
      return done;
    }
  }
  // A worker could not start (or a signal came first): stop the rest, exit with its code.
  if (!stopping) {
    stopping = true;
    for (const slot of alive()) slot.worker?.process.kill('SIGTERM');
  }
  const code = await done;
  return failure ?? code;
}
