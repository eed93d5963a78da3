// `switchyard serve` (the built CLI) with proxy-services: the route is mounted, the banner names it,
// the key never shows in what the process writes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Gateway, startGateway, stopAllGateways } from '../e2e/gateway.js';
import { call, type FakeService, startFakeService } from './helpers.js';

const CLIENT = 'sk-serve-proxy-client';
const KEY = 'serve-key-aaaaaaaaaaaa';

let fake: FakeService;
let gateway: Gateway;

beforeAll(async () => {
  fake = await startFakeService();
  gateway = await startGateway({
    'api-keys': [CLIENT],
    'proxy-services': [
      { name: 'echo', 'base-url': `${fake.url}/base`, keys: [KEY], placement: { header: 'X-Api-Key' } },
    ],
  });
});

afterAll(async () => {
  await stopAllGateways();
  await fake.close();
});

it('serves ANY /proxy/{service}/ from the CLI, naming it in the banner, never printing the key', async () => {
  expect(gateway.stdout()).toContain('proxy:       /proxy/echo/');
  const res = await call(gateway.url, '/proxy/echo/things?a=1', {
    method: 'PATCH',
    headers: { authorization: `Bearer ${CLIENT}`, 'content-type': 'text/plain' },
    body: 'patch me',
  });
  expect(res.status).toBe(200);
  const seen = fake.seen.at(-1)!;
  expect(seen).toMatchObject({ method: 'PATCH', url: '/base/things?a=1', body: 'patch me' });
  expect(seen.headers['x-api-key']).toBe(KEY);
  expect((await call(gateway.url, '/proxy/echo/things')).status).toBe(401);
  await gateway.stop();
  expect(gateway.stdout() + gateway.stderr()).not.toContain(KEY);
  expect(gateway.stdout() + gateway.stderr()).toMatch(/proxy request/);
});
