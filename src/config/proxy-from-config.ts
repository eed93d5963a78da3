import type { ProxyServiceOptions } from '../http/proxy/create-proxy-handler.js';
import type { PoolKeyInput } from '../manager/key-pool.js';
import type { ProxyServiceConfig } from './proxy-schema.js';
import type { SwitchyardConfig } from './schema.js';
import { selectorFor } from './settings.js';

/**
 * The `proxy-services:` entries as `createProxyHandler` takes them. A service without `strategy` uses
 * `routing.strategy` (without session affinity: a REST call carries no conversation to stick to).
 */
export function proxyServicesFromConfig(config: SwitchyardConfig): ProxyServiceOptions[] {
  return (config['proxy-services'] ?? []).map((entry) => serviceFrom(entry, config));
}

function serviceFrom(entry: ProxyServiceConfig, config: SwitchyardConfig): ProxyServiceOptions {
  const keys = entry.keys.map((k): PoolKeyInput => {
    if (typeof k === 'string') return { key: k };
    const key: PoolKeyInput = { key: k.key };
    if (k.id !== undefined) key.id = k.id;
    if (k.label !== undefined) key.label = k.label;
    if (k.weight !== undefined) key.weight = k.weight;
    if (k['proxy-url']) key.proxyUrl = k['proxy-url'];
    return key;
  });
  const strategy = entry.strategy ?? config.routing?.strategy;
  const placement =
    entry.placement.header !== undefined
      ? {
          header: entry.placement.header,
          ...(entry.placement.prefix !== undefined ? { prefix: entry.placement.prefix } : {}),
        }
      : { query: entry.placement.query! };
  const service: ProxyServiceOptions = {
    name: entry.name,
    baseUrl: entry['base-url'],
    keys,
    placement,
    selector: selectorFor(strategy ? { routing: { strategy } } : {}),
  };
  if (entry['client-keys']) service.clientKeys = entry['client-keys'];
  if (entry['max-replay-bytes'] !== undefined) service.maxReplayBytes = entry['max-replay-bytes'];
  return service;
}
