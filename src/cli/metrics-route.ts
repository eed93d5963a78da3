import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { isLoopback } from '../http/client-auth.js';
import type { Manager } from '../manager/manager.js';

/** Answers `GET /metrics` and returns true, or returns false for every other request. */
export type MetricsRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `GET /metrics` for `switchyard serve`: the Manager's Prometheus metrics, when prom-client (an optional
 * peer dependency) is installed; undefined when it is not. Served to loopback peers only (a request with
 * forwarding headers is not one), as there is no management authentication for remote scrapers yet.
 */
export async function metricsRoute(manager: Manager, logger: Logger): Promise<MetricsRoute | undefined> {
  let registerMetrics: typeof import('../observe/metrics/index.js').registerMetrics;
  try {
    ({ registerMetrics } = await import('../observe/metrics/index.js'));
  } catch (err) {
    logger.debug(
      { error: err instanceof Error ? err.message : String(err) },
      'no GET /metrics: prom-client is not installed',
    );
    return undefined;
  }
  const { registry } = registerMetrics(manager);
  return (req, res) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (req.url ?? '').split('?', 1)[0] !== '/metrics')
      return false;
    const forwarded =
      req.headers.forwarded !== undefined ||
      req.headers['x-forwarded-for'] !== undefined ||
      req.headers['x-real-ip'] !== undefined;
    if (forwarded || !isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('GET /metrics is served to loopback clients only\n');
      return true;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'GET /metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics unavailable\n');
      },
    );
    return true;
  };
}
