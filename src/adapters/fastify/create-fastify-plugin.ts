import type { FastifyPluginCallback } from 'fastify';
import type { MountableHandler } from '../../http/types.js';
import { stripMountPath } from '../mount-path.js';
import { type NodeBridgeOptions, serveNode } from '../node/create-node-listener.js';

/** Options of {@link createFastifyPlugin}. */
export interface FastifyAdapterOptions extends NodeBridgeOptions {
  /**
   * Pass requests outside the handler's routes on to the host (`reply.callNotFound()`), so its 404
   * handler answers unknown paths under the prefix; the host's own routes under the prefix answer as
   * they would without the plugin. When false, the plugin answers unknown paths itself with a 404 in
   * the caller's dialect. Default true.
   */
  fallthrough?: boolean;
}

/**
 * A Fastify plugin serving the core handler through the Node bridge. Register it with a `prefix` to
 * mount it under a path. Inside the plugin's scope bodies are left unparsed (a catch-all content-type
 * parser that reads nothing), so the handler reads the raw stream with its own size limit and answers
 * bad bodies in the caller's dialect; the reply is hijacked and written by the bridge. The host's own
 * routes keep their parsers.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createFastifyPlugin } from 'switchyard/fastify';
 * const app = Fastify();
 * await app.register(createFastifyPlugin(createHandler(manager, { apiKeys: ['sk-gateway'] })), { prefix: '/llm' });
 * ```
 */
export function createFastifyPlugin(
  handler: MountableHandler,
  options: FastifyAdapterOptions = {},
): FastifyPluginCallback {
  const { fallthrough = true, ...bridge } = options;
  return (fastify, _options, done) => {
    // Scoped to this plugin (encapsulation): the host's own routes keep their parsers.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    const prefix = fastify.prefix;
    fastify.all('/*', (request, reply) => {
      if (fallthrough && !handler.handles(routePath(request.url, prefix))) {
        // The 404 handler in force here is the host's, unless this scope sets its own.
        reply.callNotFound();
        return;
      }
      reply.hijack();
      return serveNode(handler, request.raw, reply.raw, { ...bridge, pathPrefix: prefix });
    });
    done();
  };
}

/** Options of the deprecated {@link switchyardFastify} plugin: the handler travels with the options. */
export interface SwitchyardFastifyOptions extends FastifyAdapterOptions {
  handler: MountableHandler;
}

/**
 * @deprecated Use {@link createFastifyPlugin}, which takes the handler like every other adapter:
 * `app.register(createFastifyPlugin(handler), { prefix })` instead of
 * `app.register(switchyardFastify, { prefix, handler })`. This plugin does the same.
 */
export const switchyardFastify: FastifyPluginCallback<SwitchyardFastifyOptions> = (fastify, options, done) => {
  const { handler, fallthrough, maxBodyBytes } = options;
  createFastifyPlugin(handler, {
    ...(fallthrough !== undefined ? { fallthrough } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  })(fastify, {}, done);
};

/** The request path relative to the plugin's prefix, without the query. */
function routePath(url: string, prefix: string): string {
  const q = url.indexOf('?');
  return stripMountPath(q === -1 ? url : url.slice(0, q), prefix);
}
