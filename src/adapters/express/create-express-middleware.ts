import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CoreRequestBody, MountableHandler } from '../../http/types.js';
import { type NodeBridgeOptions, serveNode } from '../node/create-node-listener.js';

/** Options of {@link createExpressMiddleware}. */
export interface ExpressAdapterOptions extends NodeBridgeOptions {
  /**
   * Pass requests outside the handler's routes on to `next()`, so the host's own routes and 404 handler
   * answer them, beside and under the mount path. When false, the middleware answers them itself with
   * a 404 in the caller's dialect. Default true.
   */
  fallthrough?: boolean;
}

/**
 * Express middleware serving the core handler through the Node bridge. Mount it at the path the
 * clients use as their base URL, before `express.json()` or any other body parser: it reads the raw
 * body with the handler's own size limit. Mounted after one, it uses the parsed body as is, but the
 * parser's own limit (100 KB by default for `express.json()`) and its HTML error pages apply first.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createExpressMiddleware } from 'switchyard/express';
 * const app = express();
 * app.use('/llm', createExpressMiddleware(createHandler(manager, { apiKeys: ['sk-gateway'] })));
 * app.use(express.json()); // the host's own routes after it
 * // OpenAI SDK: baseURL 'http://host/llm/v1'; Anthropic SDK: baseURL 'http://host/llm'
 * ```
 */
export function createExpressMiddleware(
  handler: MountableHandler,
  options: ExpressAdapterOptions = {},
): RequestHandler {
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

/**
 * @deprecated Use {@link createExpressMiddleware}: the same function under the adapters' common naming
 * (`create` + what it returns).
 */
export const switchyard: typeof createExpressMiddleware = createExpressMiddleware;

/** The body a parser middleware already read, or undefined when the stream is still unread. */
function parsedBody(req: Request): CoreRequestBody | undefined {
  const body: unknown = req.body;
  if (body === undefined || body === null || !req.readableEnded) return undefined;
  return body as CoreRequestBody;
}
