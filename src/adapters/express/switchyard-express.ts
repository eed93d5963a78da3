import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CoreHandler, CoreRequestBody } from '../../http/types.js';
import { type NodeBridgeOptions, serveNode } from '../node/to-node-listener.js';

/** Options of the Express adapter. */
export interface ExpressAdapterOptions extends NodeBridgeOptions {
  /**
   * Pass requests outside the handler's routes on to `next()`, so the middleware can sit beside the
   * host's own routes. When false, it answers them with a 404 in the caller's dialect. Default true.
   */
  fallthrough?: boolean;
}

/**
 * Express middleware serving the core handler through the Node bridge. Mount it at the path the
 * clients use as their base URL. It works whether or not `express.json()` ran before it: an already
 * parsed body is used as is, otherwise the raw stream is read (with the handler's size limit).
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { switchyard } from 'switchyard/express';
 * const app = express();
 * app.use('/llm', switchyard(createHandler(manager, { apiKeys: ['sk-gateway'] })));
 * // OpenAI SDK: baseURL 'http://host/llm/v1'; Anthropic SDK: baseURL 'http://host/llm'
 * ```
 */
export function switchyard(handler: CoreHandler, options: ExpressAdapterOptions = {}): RequestHandler {
  const fallthrough = options.fallthrough ?? true;
  return (req: Request, res: Response, next: NextFunction) => {
    // Express strips the mount path from `req.url`, so the handler sees paths relative to it.
    if (fallthrough && !handler.handles(req.path)) {
      next();
      return;
    }
    const body = parsedBody(req);
    void serveNode(handler, req, res, body === undefined ? options : { ...options, body });
  };
}

/** The body a parser middleware already read, or undefined when the stream is still unread. */
function parsedBody(req: Request): CoreRequestBody | undefined {
  const body: unknown = req.body;
  if (body === undefined || body === null || !req.readableEnded) return undefined;
  return body as CoreRequestBody;
}
