import type { FastifyPluginCallback } from 'fastify';
import type { CoreHandler } from '../../http/types.js';
import { type NodeBridgeOptions, serveNode } from '../node/to-node-listener.js';

/** Options of the Fastify plugin. */
export interface FastifyAdapterOptions extends NodeBridgeOptions {
  handler: CoreHandler;
}

/**
 * A Fastify plugin serving the core handler through the Node bridge. Register it with a `prefix` to
 * mount it under a path. Inside the plugin's scope bodies are left unparsed (a catch-all content-type
 * parser that reads nothing), so the handler reads the raw stream with its own size limit and answers
 * bad bodies in the caller's dialect; the reply is hijacked and written by the bridge.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { switchyardFastify } from 'switchyard/fastify';
 * const app = Fastify();
 * await app.register(switchyardFastify, { prefix: '/llm', handler: createHandler(manager, { apiKeys: ['sk-gateway'] }) });
 * ```
 */
export const switchyardFastify: FastifyPluginCallback<FastifyAdapterOptions> = (fastify, options, done) => {
  const { handler, ...bridge } = options;
  // Scoped to this plugin (encapsulation): the host's own routes keep their parsers.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
  const prefix = fastify.prefix;
  fastify.all('/*', (request, reply) => {
    reply.hijack();
    return serveNode(handler, request.raw, reply.raw, { ...bridge, pathPrefix: prefix });
  });
  done();
};
