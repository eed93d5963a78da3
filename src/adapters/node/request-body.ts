import type { IncomingMessage } from 'node:http';
import { AbortedError } from '../../core/errors.js';
import { HttpError } from '../../http/error-response.js';
import { NODE_READABLE } from '../../http/types.js';

/**
 * The body of an `IncomingMessage` as an async iterable that stops past `maxBytes`.
 *
 * Unlike `for await (const chunk of req)`, stopping early (`return()`, or the size limit) only detaches
 * from the stream and does not destroy it: destroying a request destroys its socket, and the client
 * would get a reset instead of the 413. Node discards the unread rest after the response (and the
 * bridge sends `connection: close` so it need not read much of it).
 */
export function requestBody(req: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): AsyncIterable<Uint8Array> {
  return {
    // With no limit to enforce, the key-rotation proxy may pipe the stream itself (see NODE_READABLE).
    ...(maxBytes === Number.POSITIVE_INFINITY ? { [NODE_READABLE]: req } : {}),
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      let received = 0;
      let ended = req.readableEnded;
      let failure: unknown;
      let wake: (() => void) | undefined;
      const onReadable = () => wake?.();
      const onEnd = () => {
        ended = true;
        wake?.();
      };
      const onError = (err: unknown) => {
        // Before the end of the body a socket error means the client went away (Node's `aborted`, ECONNRESET).
        failure ??= ended
          ? err
          : new AbortedError('The client closed the connection while sending the body', { cause: err });
        wake?.();
      };
      const onClose = () => {
        if (!ended) failure ??= new AbortedError('The client closed the connection while sending the body');
        wake?.();
      };
      req.on('readable', onReadable);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('close', onClose);
      const detach = () => {
        req.off('readable', onReadable);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('close', onClose);
      };
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          for (;;) {
            const chunk = req.read() as Buffer | null;
            if (chunk !== null) {
              received += chunk.byteLength;
              if (received > maxBytes) {
                detach();
                throw new HttpError(413, 'invalid_request', `The request body is larger than ${maxBytes} bytes`);
              }
              return { value: chunk, done: false };
            }
            if (failure !== undefined) {
              detach();
              throw failure;
            }
            if (ended || req.readableEnded) {
              detach();
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          detach();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
