import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CoreResponse } from '../../http/types.js';

/**
 * Writes a core response to a Node `ServerResponse`. A streamed body is written as it arrives,
 * honouring backpressure (a full socket buffer pauses reading from the upstream until `drain`); when
 * the client goes away the body iterator's `return()` is called so the upstream is released.
 *
 * Resolves when the response is finished or abandoned; never rejects.
 *
 * @example
 * ```ts
 * await writeCoreResponse(res, { status: 200, headers: { 'content-type': 'text/plain' },
 *   body: new TextEncoder().encode('ok') });
 * ```
 */
export async function writeCoreResponse(res: ServerResponse, response: CoreResponse): Promise<void> {
  const body = response.body;
  if (res.destroyed) {
    if (body !== null && !(body instanceof Uint8Array)) void release(body[Symbol.asyncIterator]());
    return;
  }
  res.writeHead(response.status, response.headers);
  if (body === null) {
    res.end();
    return;
  }
  if (body instanceof Uint8Array) {
    res.end(body);
    return;
  }
  if (body instanceof Readable) {
    await pipeReadable(res, body);
    return;
  }
  const iterator = body[Symbol.asyncIterator]();
  const closed = onceClosed(res);
  let finished = false;
  // The headers go out with the first chunk when it is ready at once (one socket write, not two), and on
  // their own on the next turn of the event loop otherwise: an SSE client sees them before the first
  // event, however long that takes.
  let first: Promise<IteratorResult<Uint8Array>> | undefined = iterator.next();
  const flush = flushHeadersNextTurn(res);
  try {
    for (;;) {
      const pending = first ?? iterator.next();
      first = undefined;
      // Should the client leave first, a later rejection of this read must not go unhandled.
      pending.catch(noop);
      const next = await closed.or(pending);
      if (next === CLOSED || res.destroyed) break;
      if (next.done) {
        finished = true;
        break;
      }
      if (!res.write(next.value) && !(await drained(res))) break;
    }
  } catch {
    // The body failed after the headers went out: cut the connection so the client sees the truncation.
    finished = true;
    res.destroy();
  } finally {
    clearImmediate(flush);
    closed.dispose();
    if (!finished) void release(iterator);
  }
  if (finished && !res.destroyed) res.end();
}

/**
 * A body that is a Node stream already (the key-rotation proxy's) is piped: backpressure by the stream
 * machinery, no promise per chunk. A client that leaves, or a body that fails, destroys both sides (the
 * client sees a cut connection, the upstream is released).
 */
async function pipeReadable(res: ServerResponse, body: Readable): Promise<void> {
  const flush = flushHeadersNextTurn(res);
  try {
    await pipeline(body, res);
  } catch {
    if (!res.destroyed) res.destroy();
  } finally {
    clearImmediate(flush);
  }
}

/** Sends the headers on their own on the next turn unless the first chunk took them already. */
function flushHeadersNextTurn(res: ServerResponse): NodeJS.Immediate {
  return setImmediate(() => {
    if (!res.headersSent && !res.destroyed) res.flushHeaders();
  });
}

const CLOSED = Symbol('closed');

/**
 * Races each read against the response closing. Not `Promise.race` with one long-lived promise: every
 * race would leave a reaction on it until the response ends, so a long stream would hold one per chunk.
 */
function onceClosed(res: ServerResponse): {
  or<T>(pending: Promise<T>): Promise<T | typeof CLOSED>;
  dispose(): void;
} {
  let isClosed = false;
  let wake: ((value: typeof CLOSED) => void) | undefined;
  const listener = () => {
    isClosed = true;
    wake?.(CLOSED);
  };
  res.once('close', listener);
  return {
    or<T>(pending: Promise<T>): Promise<T | typeof CLOSED> {
      if (isClosed) return Promise.resolve(CLOSED);
      return new Promise<T | typeof CLOSED>((resolve, reject) => {
        wake = resolve;
        pending.then(resolve, reject);
      });
    },
    dispose: () => res.off('close', listener),
  };
}

/** Waits for `drain`; false when the response closed instead. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

function noop(): void {}

async function release(iterator: AsyncIterator<Uint8Array>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Releasing is best effort: the stream is abandoned either way.
  }
}
