import type { IncomingMessage } from 'node:http';
import type { CoreRequest, CoreRequestBody } from '../../http/types.js';
import { stripMountPath } from '../mount-path.js';
import { requestBody } from './request-body.js';

/** Options of {@link toCoreRequest}. */
export interface ToCoreRequestOptions {
  /** Aborted when the client goes away; {@link createNodeListener} ties it to the response's `close`. */
  signal: AbortSignal;
  /** A body the framework already parsed (Express after `express.json()`); the stream is then not read. */
  body?: CoreRequestBody;
  /** A prefix to cut off the path, for frameworks that keep the mount path in `req.url` (Fastify). */
  pathPrefix?: string;
  /** Stop reading the body past this many bytes (the handler enforces its own limit too). Default unlimited. */
  maxBodyBytes?: number;
}

const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Maps a Node `IncomingMessage` onto the core handler's request shape, without Web objects: the body
 * stays a stream, read only if the route needs it.
 *
 * @example
 * ```ts
 * // Adapting a framework we do not ship (req/res are Node's own objects there):
 * const controller = new AbortController();
 * res.once('close', () => { if (!res.writableFinished) controller.abort(); });
 * await writeCoreResponse(res, await handler(toCoreRequest(req, { signal: controller.signal })));
 * ```
 */
export function toCoreRequest(req: IncomingMessage, options: ToCoreRequestOptions): CoreRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = stripMountPath(q === -1 ? url : url.slice(0, q), options.pathPrefix);
  const headers: Record<string, string | undefined> = {};
  const raw = req.headers;
  for (const name in raw) {
    const value = raw[name];
    // Node joins repeated headers itself, except set-cookie, which a request should not carry anyway.
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: req.method ?? 'GET',
    path,
    query: q === -1 ? NO_QUERY : new URLSearchParams(url.slice(q + 1)),
    headers,
    body: options.body !== undefined ? options.body : requestBody(req, options.maxBodyBytes),
    signal: options.signal,
    remoteAddress: req.socket?.remoteAddress,
  };
}
