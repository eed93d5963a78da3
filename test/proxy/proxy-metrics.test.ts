import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProxyHandler, type ProxyHandler } from '../../src/http/index.js';
import { Manager } from '../../src/manager/manager.js';
import { registerMetrics } from '../../src/observe/metrics/index.js';
import { parseExposition, value } from '../observe/parse-exposition.js';
import { answer, call, type FakeService, serveHandler, startFakeService } from './helpers.js';

const CLIENT = 'sk-metrics-proxy-client';
const KEY = 'metrics-key-aaaaaaaaaaaa';

let fake: FakeService;
let proxy: ProxyHandler;
let server: { url: string; close(): Promise<void> };
let manager: Manager;

beforeAll(async () => {
  fake = await startFakeService();
  manager = new Manager({});
  proxy = createProxyHandler(manager, {
    apiKeys: [CLIENT],
    services: [{ name: 'geo', baseUrl: fake.url, keys: [{ key: KEY, id: 'geo-1' }], placement: { query: 'k' } }],
  });
  server = await serveHandler(proxy);
});

afterAll(async () => {
  await server.close();
  await proxy.close();
  await fake.close();
});

it("counts proxied calls in the Manager's request metrics, by service and status class, without the key", async () => {
  const metrics = registerMetrics(manager);
  const headers = { authorization: `Bearer ${CLIENT}` };
  await call(server.url, '/proxy/geo/a', { headers });
  await call(server.url, '/proxy/geo/b', { headers });
  fake.next(answer(404));
  await call(server.url, '/proxy/geo/c', { headers });
  await new Promise((r) => setImmediate(r));
  const raw = await metrics.registry.metrics();
  const m = parseExposition(raw);
  const labels = { dialect: 'proxy', provider: 'proxy', model: 'geo' };
  expect(value(m, 'switchyard_requests_total', { ...labels, status_class: '2xx' })).toBe(2);
  expect(value(m, 'switchyard_requests_total', { ...labels, status_class: '4xx' })).toBe(1);
  expect(raw).not.toContain(KEY);
});
