import type { CoreRequest, CoreResponse, MountableHandler } from '../../http/types.js';
import { stripMountPath } from '../mount-path.js';

/** Options of {@link createFetchHandler} (and of the Hono adapter, which uses the same bridge). */
export interface FetchHandlerOptions {
  /**
   * A mount prefix to cut off the URL's path, for routers that pass the full URL to a sub-handler
   * (Hono's `app.route('/llm', ...)`, a Next.js route under `app/llm/[...path]`). Default none.
   */
  pathPrefix?: string;
  /**
   * The client's IP address, when the runtime knows it (Bun: `server.requestIP(req)`, Deno: `info.remoteAddr`).
   * Without it the handler cannot tell a loopback client, so an endpoint without keys refuses everyone
   * unless `allowUnauthenticated` is set.
   */
  remoteAddress?: (request: Request) => string | undefined;
}

/**
 * Maps a Web `Request` onto the core handler's request shape.
 *
 * @example
 * ```ts
 * const core = toCoreRequestFromFetch(request, { pathPrefix: '/llm' });
 * ```
 */
export function toCoreRequestFromFetch(
  request: Request,
  options: FetchHandlerOptions = {},
  remoteAddress?: string,
): CoreRequest {
  const url = new URL(request.url);
  const path = stripMountPath(url.pathname, options.pathPrefix);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: request.method,
    path,
    query: url.searchParams,
    headers,
    body: request.body ? streamToIterable(request.body) : null,
    signal: request.signal,
    remoteAddress: remoteAddress ?? options.remoteAddress?.(request),
  };
}

/**
 * Turns a core response into a Web `Response`. A streamed body becomes a `ReadableStream` that pulls
 * one chunk at a time (backpressure) and calls the iterator's `return()` when the client cancels.
 *
 * @example
 * ```ts
 * return toFetchResponse(await handler(toCoreRequestFromFetch(request)));
 * ```
 */
export function toFetchResponse(response: CoreResponse): Response {
  const headers = new Headers(response.headers);
  const body = response.body;
  if (body === null || body instanceof Uint8Array) {
    // Our bytes always sit on an ordinary ArrayBuffer; the DOM typings also allow shared ones.
    return new Response(body as Uint8Array<ArrayBuffer> | null, { status: response.status, headers });
  }
  const iterator = body[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, { status: response.status, headers });
}

/**
 * The core handler as a Web `(Request) => Promise<Response>` function, for Hono, Bun, Deno, Next.js
 * route handlers and Workers.
 *
 * @example
 * ```ts
 * import { createFetchHandler } from 'switchyard/fetch';
 * const fetchHandler = createFetchHandler(createHandler(manager, { apiKeys: ['sk-gateway'] }));
 * Bun.serve({ fetch: fetchHandler });                   // Bun
 * export const POST = fetchHandler;                      // Next.js: app/v1/[...path]/route.ts
 * ```
 */
export function createFetchHandler(
  handler: MountableHandler,
  options: FetchHandlerOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => toFetchResponse(await handler(toCoreRequestFromFetch(request, options)));
}

/**
 * @deprecated Use {@link createFetchHandler}: the same function under the adapters' common naming
 * (`create` + what it returns).
 */
export const toFetchHandler: typeof createFetchHandler = createFetchHandler;

/** Reads a `ReadableStream` through a reader: async iteration of streams is missing in some runtimes. */
function streamToIterable(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = stream.getReader();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          const { done, value } = await reader.read();
          return done ? { value: undefined, done: true } : { value, done: false };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          await reader.cancel().catch(() => {});
          return { value: undefined, done: true };
        },
      };
    },
  };
}
