import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromConfig, type Switchyard } from '../../src/config/index.js';
import { combineHandlers } from '../../src/http/index.js';
import { MemoryUsageSink } from '../../src/observe/usage/index.js';
import { call, type FakeService, serveHandler, startFakeService } from './helpers.js';

const CLIENT = 'sk-config-proxy-client';
const KEY = 'cfg-key-aaaaaaaaaaaa';

describe('proxy-services through fromConfig', () => {
  let fake: FakeService;
  let app: Switchyard;
  let server: { url: string; close(): Promise<void> };
  const sink = new MemoryUsageSink();

  beforeAll(async () => {
    fake = await startFakeService();
    app = await fromConfig(
      {
        'api-keys': [{ key: CLIENT, name: 'team-a' }],
        'proxy-services': [
          {
            name: 'maps',
            'base-url': `${fake.url}/v1`,
            keys: [KEY, { key: 'cfg-key-bbbbbbbbbbbb', id: 'maps-b' }],
            placement: { query: 'key' },
            'client-keys': ['team-a'],
          },
        ],
      },
      { usageSink: sink },
    );
    server = await serveHandler(combineHandlers(app.handler, app.management, app.proxy!));
  });

  afterAll(async () => {
    await server.close();
    await app.close({ graceMs: 0 });
    await fake.close();
  });

  it('serves a config with proxy services and no LLM credential, without the mock provider', () => {
    expect(app.manager.credentials()).toEqual([]);
    expect([...app.proxy!.pools.keys()]).toEqual(['maps']);
  });

  it('mounts ANY /proxy/{service}/... beside the LLM routes, with the same client keys', async () => {
    const res = await call(server.url, `/proxy/maps/geocode?address=x&key=${CLIENT}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const seen = fake.seen.at(-1)!;
    expect(seen.method).toBe('DELETE');
    const url = new URL(seen.url, 'http://x');
    expect(url.pathname).toBe('/v1/geocode');
    expect(url.searchParams.getAll('key')).toEqual([KEY]);
    expect((await call(server.url, '/proxy/maps/geocode')).status).toBe(401);
    expect((await call(server.url, '/healthz')).status).toBe(200);
  });

  it('writes the usage record to the ledger', async () => {
    await new Promise((r) => setImmediate(r));
    const records = sink.records({}).records;
    const proxied = records.filter((r) => r.kind === 'proxy');
    expect(proxied.length).toBeGreaterThanOrEqual(1);
    expect(proxied.at(-1)).toMatchObject({ service: 'maps', credentialId: 'maps-1', principal: 'team-a', status: 200 });
  });
});

describe('proxy-services on a config reload', () => {
  it('takes the new client keys at once and keeps the services', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const fake = await startFakeService();
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-proxy-'));
    const path = join(dir, 'config.yaml');
    const write = (key: string) =>
      writeFileSync(
        path,
        [
          `auth-dir: ${join(dir, 'auths')}`,
          `api-keys: [${key}]`,
          'usage: { sink: memory }',
          'proxy-services:',
          '  - name: svc',
          `    base-url: ${fake.url}`,
          '    keys: [reload-key-aaaaaaaa]',
          '    placement: { header: X-Api-Key }',
          '',
        ].join('\n'),
      );
    write('sk-old-client-key');
    const app = await fromConfig(path, { watch: false });
    const server = await serveHandler(combineHandlers(app.handler, app.proxy!));
    try {
      const as = (key: string) => call(server.url, '/proxy/svc/x', { headers: { authorization: `Bearer ${key}` } });
      expect((await as('sk-old-client-key')).status).toBe(200);
      write('sk-new-client-key');
      await app.reload();
      expect((await as('sk-old-client-key')).status).toBe(401);
      expect((await as('sk-new-client-key')).status).toBe(200);
    } finally {
      await server.close();
      await app.close({ graceMs: 0 });
      await fake.close();
    }
  });
});
