import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { isLoopbackPeer } from '../http/client-auth.js';
import type { ManagementHandler } from '../management/index.js';
import type { Manager } from '../manager/manager.js';

/** Answers `GET /metrics` and returns true, or returns false for every other request. */
export type MetricsRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `GET /metrics` for `switchyard serve`: the Manager's Prometheus metrics, when prom-client (an optional
 * peer dependency) is installed; undefined when it is not. Loopback peers that connect directly are
 * served; others (and requests with forwarding headers) need the management secret, with remote
 * management allowed.
 */
export async function metricsRoute(
  manager: Manager,
  management: ManagementHandler,
  logger: Logger,
  ledger?: object,
): Promise<MetricsRoute | undefined> {
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
  const metrics = registerMetrics(manager);
  const { registry } = metrics;
  // The file and PostgreSQL ledgers count the records they had to drop.
  if (ledger && typeof (ledger as { dropped?: unknown }).dropped === 'number') {
    metrics.observeLedger(ledger as { readonly dropped: number });
  }
  return (req, res) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (req.url ?? '').split('?', 1)[0] !== '/metrics')
      return false;
    const request = {
      method: req.method ?? 'GET',
      path: '/metrics',
      query: {},
      headers: req.headers as Record<string, string | undefined>,
      body: null,
      signal: AbortSignal.abort(),
      remoteAddress: req.socket.remoteAddress,
    };
    // Loopback scrapers are served as they are; anyone else needs the management secret (and allow-remote).
    const refused = isLoopbackPeer(request) ? undefined : management.authorize(request);
    if (refused) {
      res.writeHead(refused.status, refused.headers);
      res.end(refused.body);
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
