import type { IncomingMessage, ServerResponse } from 'node:http';
import { AbortedError } from '../../core/errors.js';
import type { CoreRequestBody, CoreResponse, MountableHandler } from '../../http/types.js';
import { toCoreRequest } from './to-core-request.js';
import { writeCoreResponse } from './write-core-response.js';

/** Options of {@link createNodeListener} and {@link serveNode}. */
export interface NodeBridgeOptions {
  /** Stop reading request bodies past this many bytes (the handler enforces its own limit too). Default unlimited. */
  maxBodyBytes?: number;
}

/** Per-request extras of {@link serveNode}, for framework adapters. */
export interface ServeNodeExtras {
  /** A body the framework already parsed; the request stream is then not read. */
  body?: CoreRequestBody;
  /** A mount prefix still present in `req.url`. */
  pathPrefix?: string;
}

const INTERNAL_ERROR: CoreResponse = {
  status: 500,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode('{"error":{"message":"Internal error"}}'),
};

/**
 * Serves one Node request with the core handler: builds the request, aborts its signal when the client
 * goes away before the answer is finished (which cancels the upstream call), and writes the answer.
 * Resolves when done; never rejects. Framework adapters call this.
 *
 * @example
 * ```ts
 * fastify.all('/*', (request, reply) => { reply.hijack(); return serveNode(handler, request.raw, reply.raw); });
 * ```
 */
export async function serveNode(
  handler: MountableHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeBridgeOptions & ServeNodeExtras = {},
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new AbortedError('The client went away'));
  };
  res.once('close', onClose);
  // The socket may fail after the client left; the abort above already handles that.
  res.on('error', noop);
  let response: CoreResponse;
  try {
    response = await handler(
      toCoreRequest(req, {
        signal: controller.signal,
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
        ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      }),
    );
  } catch {
    // The core handler does not reject; a wrapper of it might.
    response = INTERNAL_ERROR;
  }
  if (!req.complete && !res.headersSent) {
    // The body was not read (413, a route without a body): close the connection rather than drain an upload.
    response = { ...response, headers: { ...response.headers, connection: 'close' } };
  }
  await writeCoreResponse(res, response);
}

/**
 * A `node:http` request listener serving the core handler: the one Node bridge, with no Web
 * `Request`/`Response` on the hot path. Works with `http`, `https` and `http2`'s compatibility API.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createHandler } from 'switchyard/http';
 * import { createNodeListener } from 'switchyard/node';
 * createServer(createNodeListener(createHandler(manager, { apiKeys: ['sk-gateway'] }))).listen(8317);
 * ```
 */
export function createNodeListener(
  handler: MountableHandler,
  options: NodeBridgeOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serveNode(handler, req, res, options);
  };
}

/**
 * @deprecated Use {@link createNodeListener}: the same function under the adapters' common naming
 * (`create` + what it returns).
 */
export const toNodeListener: typeof createNodeListener = createNodeListener;

function noop(): void {}
