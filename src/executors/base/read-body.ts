import type { Readable } from 'node:stream';

/** Thrown by {@link readAll} when a body exceeds its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Body exceeds ${limit} bytes`);
  }
}

/**
 * Reads a whole body, refusing one larger than `maxBytes` (checked against Content-Length first, then
 * while reading, so a lying or absent length cannot make us buffer without bound).
 *
 * @example
 * ```ts
 * const bytes = await readAll(response.body, 32 * 1024 * 1024, response.headers['content-length']);
 * ```
 */
export async function readAll(body: Readable, maxBytes: number, contentLength?: string): Promise<Uint8Array> {
  if (contentLength !== undefined && Number(contentLength) > maxBytes) {
    body.destroy();
    throw new BodyTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * Reads at most `limit` bytes of a body as text and drops the rest: enough to classify an error,
 * never a whole HTML page or a runaway stream.
 *
 * @example
 * ```ts
 * const text = await readPrefix(response.body, 64 * 1024);
 * ```
 */
export async function readPrefix(body: Readable, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks, size).subarray(0, limit).toString('utf8');
}

/**
 * Exposes a streamed body as an AsyncIterable of bytes without buffering it. Errors are mapped by
 * `mapError`; `return()` destroys the body even before the first `next()`, so a caller that gives up
 * early frees the socket.
 *
 * @example
 * ```ts
 * const body = streamBytes(response.body, (err) => toSwitchyardError(err));
 * for await (const chunk of body) res.write(chunk);
 * ```
 */
export function streamBytes(body: Readable, mapError: (err: unknown) => unknown): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      const inner = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            return await inner.next();
          } catch (err) {
            throw mapError(err);
          }
        },
        async return() {
          body.destroy();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
