import { concatBytes } from '../core/concat-bytes.js';
import { AbortedError, InternalError, SwitchyardError, UpstreamError } from '../core/errors.js';
import type { ExecutorResponse } from '../executors/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { createStreamConverter, EventTooLargeError, type StreamConverter } from '../translate/index.js';
import type { Common } from './read-response.js';
import type { ExecuteResult } from './types.js';
import type { Watchdog } from './watchdog.js';

/** Headers of every SSE answer. */
const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
});

/** How a relayed stream ended, reported to the attempt once. */
export interface Outcome {
  error?: SwitchyardError;
  usage?: Usage;
  ttfbMs?: number;
}

/**
 * Starts relaying a stream: reads the upstream until the converter produces the first bytes for the
 * caller (or fails, retryably, while nothing has been sent: an empty stream, one that ends without its
 * terminal event, an event over the size limit, or no first byte in time), then hands back an iterable
 * that relays the rest. The attempt's {@link Watchdog} cuts a stream that goes quiet or runs too long;
 * the caller then gets an error event in its dialect.
 */
export async function streamResponse(args: {
  response: ExecutorResponse;
  from: Dialect;
  to: Dialect;
  includeUsage: boolean;
  toolNames?: readonly string[] | undefined;
  maxEventBytes: number;
  /** The attempt's time limits, when it has any. */
  watchdog?: Watchdog | undefined;
  now(): number;
  started: number;
  common: Common;
  finish(outcome: Outcome): void;
  /** Sees the closing bytes of a translated stream (they carry the whole answer in some dialects). */
  onTail?: ((bytes: Uint8Array) => void) | undefined;
}): Promise<ExecuteResult> {
  const watchdog = args.watchdog;
  const converter = createStreamConverter({
    from: args.from,
    to: args.to,
    includeUsage: args.includeUsage,
    maxEventBytes: args.maxEventBytes,
    ...(args.toolNames ? { toolNames: args.toolNames } : {}),
    // The Manager's clock dates what the caller's dialect needs and the upstream did not send.
    now: args.now,
  });
  const iterator = args.response.body[Symbol.asyncIterator]();
  let first: Uint8Array | null = null;
  let ended = false;
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  try {
    while (first === null) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        if (!converter.completed) {
          throw new UpstreamError(
            converter.sawContent ? 'The upstream stream ended early' : 'The upstream stream ended without any event',
          );
        }
        const tail = converter.flush();
        if (tail) {
          held.push(tail);
          heldBytes += tail.byteLength;
          args.onTail?.(tail);
        }
        if (held.length === 0) throw new UpstreamError('The upstream stream ended without any event');
        first = concatBytes(held, heldBytes);
        break;
      }
      const out = transform(converter, next.value);
      if (out === null) continue;
      // Same-dialect bytes pass through as they come, but the stream only counts as started (no more
      // failover) once a whole event arrived: a first event that never completes can still fail over.
      held.push(out);
      heldBytes += out.byteLength;
      if (converter.events > 0) first = concatBytes(held, heldBytes);
    }
  } catch (err) {
    void iterator.return?.();
    throw watchdog?.fired ?? err;
  }
  watchdog?.started();
  const ttfbMs = args.now() - args.started;
  let resolveUsage!: (usage: Usage | undefined) => void;
  const usage = new Promise<Usage | undefined>((resolve) => {
    resolveUsage = resolve;
  });
  const finish = (outcome: Outcome) => {
    watchdog?.stop();
    resolveUsage(outcome.usage);
    args.finish(outcome);
  };
  const body = guarded(relay(iterator, converter, first, ended, ttfbMs, watchdog, finish, args.onTail), () => {
    // Abandoned before the first read: the generator's own cleanup never runs, so release here.
    void iterator.return?.();
    finish({ error: new AbortedError('The caller stopped reading the stream'), ttfbMs });
  });
  return {
    status: 200,
    headers: { ...SSE_HEADERS },
    stream: true,
    body,
    usage,
    ...args.common,
  };
}

/** One chunk through the converter; an oversized event becomes an upstream error. */
function transform(converter: StreamConverter, chunk: Uint8Array): Uint8Array | null {
  try {
    return converter.transform(chunk);
  } catch (err) {
    if (err instanceof EventTooLargeError) throw new UpstreamError(err.message, { cause: err });
    throw err;
  }
}

/**
 * A generator whose `return()` before any `next()` still runs `onAbandon` (a generator that never
 * started skips its `finally`), so an answer nobody reads still releases its upstream and in-flight slot.
 */
function guarded(gen: AsyncGenerator<Uint8Array, void, undefined>, onAbandon: () => void): AsyncIterable<Uint8Array> {
  let started = false;
  let closed = false;
  const iterator: AsyncIterableIterator<Uint8Array> = {
    next() {
      started = true;
      return gen.next();
    },
    return() {
      if (!started && !closed) onAbandon();
      closed = true;
      return gen.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

async function* relay(
  iterator: AsyncIterator<Uint8Array>,
  converter: StreamConverter,
  first: Uint8Array,
  ended: boolean,
  ttfbMs: number,
  watchdog: Watchdog | undefined,
  finish: (outcome: Outcome) => void,
  onTail?: (bytes: Uint8Array) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  let done = ended;
  let outcome: Outcome | undefined;
  let events = converter.events;
  try {
    yield first;
    while (!done) {
      let out: Uint8Array | null;
      try {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          const tail = converter.flush();
          if (!converter.completed) outcome = { error: new UpstreamError('The upstream stream ended early'), ttfbMs };
          if (tail) {
            if (onTail && !outcome) onTail(tail);
            yield tail;
          }
          break;
        }
        out = transform(converter, next.value);
      } catch (err) {
        done = true;
        // A timeout aborts the upstream: report the timeout, not the abort it caused.
        const error = watchdog?.fired ?? (SwitchyardError.is(err) ? err : asInternal(err));
        outcome = { error, ttfbMs };
        const tail = converter.fail(error.message);
        if (tail) yield tail;
        return;
      }
      if (converter.events !== events) {
        events = converter.events;
        watchdog?.event();
      }
      if (out) yield out;
    }
  } finally {
    if (!done) {
      // The caller stopped reading (client went away): release the upstream socket.
      void iterator.return?.();
      outcome = { error: new AbortedError('The caller stopped reading the stream'), ttfbMs };
    }
    const usage = converter.usage;
    finish({ ...(outcome ?? { ttfbMs }), ...(usage ? { usage } : {}) });
  }
}

/** An exception that is not a switchyard error came from code, ours or a custom executor's: a bug. */
export function asInternal(err: unknown): SwitchyardError {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new InternalError(`Internal error: ${detail}`, { cause: err });
}
