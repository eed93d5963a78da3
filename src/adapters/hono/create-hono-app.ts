import { type Context, Hono } from 'hono';
import { basePath } from 'hono/route';
import type { MountableHandler } from '../../http/types.js';
import { type FetchHandlerOptions, toCoreRequestFromFetch, toFetchResponse } from '../fetch/create-fetch-handler.js';

/** Options of {@link createHonoApp}. */
export interface HonoAdapterOptions extends FetchHandlerOptions {
  /**
   * Pass requests outside the handler's routes on to the host app (`next()`), so its own routes and
   * its `notFound` handler answer them, beside and under the mount path. When false, the sub-app
   * answers them itself with a 404 in the caller's dialect. Default true.
   */
  fallthrough?: boolean;
}

/**
 * A Hono sub-app serving the core handler through the fetch bridge. Mount it with `app.route(path, ...)`;
 * the mount path is cut off the request path for you. On `@hono/node-server` the client's address is
 * read from the Node request, so the loopback-only default works there too.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createHonoApp } from 'switchyard/hono';
 * const app = new Hono();
 * app.route('/llm', createHonoApp(createHandler(manager, { apiKeys: ['sk-gateway'] })));
 * ```
 */
export function createHonoApp(handler: MountableHandler, options: HonoAdapterOptions = {}): Hono {
  const { fallthrough = true, ...bridge } = options;
  const app = new Hono();
  app.all('*', async (c, next) => {
    const request = toCoreRequestFromFetch(
      c.req.raw,
      { ...bridge, pathPrefix: bridge.pathPrefix ?? basePath(c) },
      nodeRemoteAddress(c),
    );
    if (fallthrough && !handler.handles(request.path)) {
      await next();
      return;
    }
    return toFetchResponse(await handler(request));
  });
  return app;
}

/**
 * @deprecated Use {@link createHonoApp}: the same function under the adapters' common naming
 * (`create` + what it returns).
 */
export const switchyard: typeof createHonoApp = createHonoApp;

/** `@hono/node-server` puts the Node request in `c.env.incoming`; other runtimes have no such thing. */
function nodeRemoteAddress(c: Context): string | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}
