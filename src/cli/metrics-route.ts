import type { Logger } from '../core/logger.js';
import { isLoopbackPeer } from '../http/client-auth.js';
import type { CoreRequest, CoreResponse, MountableHandler } from '../http/types.js';
import type { ManagementHandler } from '../management/index.js';
import type { Manager } from '../manager/manager.js';

const encoder = new TextEncoder();

/**
 * `GET /metrics` for `switchyard serve`, on the core request shape beside the other handlers: the
 * Manager's Prometheus metrics (and the ledger's drops), when prom-client (an optional peer
 * dependency) is installed; undefined when it is not. Loopback peers that connect directly are served;
 * others (and requests with forwarding headers) need the management secret, with remote management allowed.
 */
export async function metricsRoute(
  manager: Manager,
  management: ManagementHandler,
  logger: Logger,
  ledger?: object,
): Promise<MountableHandler | undefined> {
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
  const handler = async (request: CoreRequest): Promise<CoreResponse> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { status: 405, headers: { allow: 'GET, HEAD' }, body: null };
    }
    const refused = isLoopbackPeer(request) ? undefined : management.authorize(request);
    if (refused) return refused;
    try {
      const text = await registry.metrics();
      return {
        status: 200,
        headers: { 'content-type': registry.contentType },
        body: request.method === 'HEAD' ? null : encoder.encode(text),
      };
    } catch (err) {
      logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'GET /metrics failed');
      return {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: encoder.encode('metrics unavailable\n'),
      };
    }
  };
  return Object.assign(handler, { handles: (path: string) => path === '/metrics' });
}
