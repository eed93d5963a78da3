import { type Context, Hono } from 'hono';
import { basePath } from 'hono/route';
import type { CoreHandler } from '../../http/types.js';
import { type FetchHandlerOptions, toCoreRequestFromFetch, toFetchResponse } from '../fetch/to-fetch-handler.js';

/**
 * A Hono sub-app serving the core handler through the fetch bridge. Mount it with `app.route(path, ...)`;
 * the mount path is cut off the request path for you. On `@hono/node-server` the client's address is
 * read from the Node request, so the loopback-only default works there too.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { switchyard } from 'switchyard/hono';
 * const app = new Hono();
 * app.route('/llm', switchyard(createHandler(manager, { apiKeys: ['sk-gateway'] })));
 * ```
 */
export function switchyard(handler: CoreHandler, options: FetchHandlerOptions = {}): Hono {
  const app = new Hono();
  app.all('*', async (c) => {
    const request = toCoreRequestFromFetch(
      c.req.raw,
      { ...options, pathPrefix: options.pathPrefix ?? basePath(c) },
      nodeRemoteAddress(c),
    );
    return toFetchResponse(await handler(request));
  });
  return app;
}

/** `@hono/node-server` puts the Node request in `c.env.incoming`; other runtimes have no such thing. */
function nodeRemoteAddress(c: Context): string | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}
