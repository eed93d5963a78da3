// #region proxy-manager
import { createServer } from 'node:http';
import { combineHandlers, createProxyHandler } from 'switchyard/http';
import { createNodeListener } from 'switchyard/node';
import { handler, manager } from './context.js'; // @hide

const proxy = createProxyHandler(manager, {
  apiKeys: ['sk-gateway'],
  services: [
    {
      name: 'serper',
      baseUrl: 'https://google.serper.dev',
      keys: [{ key: process.env.SERPER_1 ?? '' }, { key: process.env.SERPER_2 ?? '', id: 'serper-b' }],
      placement: { header: 'X-API-KEY' },
    },
  ],
});
createServer(createNodeListener(combineHandlers(handler, proxy))).listen(8317);

// #endregion proxy-manager

// #region proxy-pool
import { KeyPool, RoundRobinSelector } from 'switchyard';

const pool = new KeyPool({
  name: 'maps',
  keys: [{ key: process.env.MAPS_1 ?? '' }, { key: process.env.MAPS_2 ?? '' }],
  selector: new RoundRobinSelector(),
});
const mapsProxy = createProxyHandler(pool, {
  allowUnauthenticated: 'loopback',
  service: { baseUrl: 'https://maps.example.com/api/v2', placement: { query: 'key' } },
  onUsage: (record) => console.log(record.service, record.credentialId, record.status),
});
// #endregion proxy-pool
void mapsProxy;
