import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxyHandler, type ProxyHandler } from '../../src/http/index.js';
import { Manager } from '../../src/manager/manager.js';
import type { UsageRecord } from '../../src/manager/types.js';
import { captureLogger } from '../http/log-capture.js';
import { answer, call, type FakeService, readAll, serveHandler, startFakeService } from './helpers.js';

const CLIENT = 'sk-proxy-client-0001';
const OTHER_CLIENT = 'sk-proxy-client-0002';
const KEY1 = 'svc-key-aaaaaaaaaaaa';
const KEY2 = 'svc-key-bbbbbbbbbbbb';
const QKEY = 'q-key-cccccccccccc';
const auth = { authorization: `Bearer ${CLIENT}` };

let fake: FakeService;
let proxy: ProxyHandler;
let server: { url: string; close(): Promise<void> };
let manager: Manager;
const usage: UsageRecord[] = [];
const hooked: UsageRecord[] = [];
const logs = captureLogger();

beforeAll(async () => {
  fake = await startFakeService();
  manager = new Manager({});
  manager.addHooks({ onUsage: (r) => hooked.push(r) });
  proxy = createProxyHandler(manager, {
    keys: [
      { key: CLIENT, principal: 'team-a' },
      { key: OTHER_CLIENT, principal: 'team-b' },
    ],
    logger: logs,
    onUsage: (r) => usage.push(r),
    services: [
      {
        name: 'hdr',
        baseUrl: `${fake.url}/api/v2`,
        keys: [
          { key: KEY1, id: 'k1' },
          { key: KEY2, id: 'k2' },
        ],
        placement: { header: 'Authorization', prefix: 'Bearer ' },
        maxReplayBytes: 64,
      },
      {
        name: 'down',
        baseUrl: 'http://127.0.0.1:1',
        keys: [
          { key: 'down-key-aaaaaaaa', id: 'd1' },
          { key: 'down-key-bbbbbbbb', id: 'd2' },
        ],
        placement: { header: 'X-Api-Key' },
      },
      {
        name: 'qry',
        baseUrl: fake.url,
        keys: [{ key: QKEY, id: 'q1' }],
        placement: { query: 'api_key' },
        clientKeys: ['team-b'],
      },
    ],
  });
  server = await serveHandler(proxy);
});

afterAll(async () => {
  await server.close();
  await proxy.close();
  await fake.close();
});

afterEach(async () => {
  for (const pool of proxy.pools.values()) for (const k of pool.keys()) await pool.clearCooldowns(k.id);
});

describe('header placement', () => {
  it('forwards method, path, query and body with the key injected and the client key removed', async () => {
    const res = await call(server.url, '/proxy/hdr/search/items?q=a%20b&key=client-key&x=1', {
      method: 'POST',
      headers: {
        ...auth,
        'x-api-key': CLIENT,
        'x-goog-api-key': CLIENT,
        'content-type': 'application/json',
        connection: 'x-hop',
        'x-hop': 'drop me',
        'proxy-authorization': 'Basic abc',
        cookie: 'session=1',
        'x-custom': 'kept',
      },
      body: '{"q":"hello"}',
    });
    expect(res.status).toBe(200);
    const seen = fake.seen.at(-1)!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/v2/search/items?q=a+b&x=1');
    expect(seen.body).toBe('{"q":"hello"}');
    expect(seen.headers.authorization).toBe(`Bearer ${KEY1}`);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['x-goog-api-key']).toBeUndefined();
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-custom']).toBe('kept');
    expect(seen.headers.host).toBe(new URL(fake.url).host);
    expect(seen.headers['content-length']).toBe('13');
    expect(JSON.stringify(seen.headers)).not.toContain(CLIENT);
  });

  it('rotates over the keys round robin', async () => {
    const from = fake.seen.length;
    for (let i = 0; i < 4; i++) expect((await call(server.url, '/proxy/hdr/x', { headers: auth })).status).toBe(200);
    const used = fake.seen.slice(from).map((s) => s.headers.authorization);
    expect(used.filter((a) => a === `Bearer ${KEY1}`)).toHaveLength(2);
    expect(used.filter((a) => a === `Bearer ${KEY2}`)).toHaveLength(2);
  });
});

describe('query placement', () => {
  it("sets the key parameter, overriding the caller's, and drops ?key=", async () => {
    const res = await call(server.url, `/proxy/qry/geo?api_key=mine&key=${OTHER_CLIENT}&z=9`);
    expect(res.status).toBe(200);
    const seen = fake.seen.at(-1)!;
    const url = new URL(seen.url, 'http://x');
    expect(url.pathname).toBe('/geo');
    expect(url.searchParams.getAll('api_key')).toEqual([QKEY]);
    expect(url.searchParams.get('key')).toBeNull();
    expect(url.searchParams.get('z')).toBe('9');
    expect(seen.headers['content-length']).toBeUndefined();
    expect(seen.headers['transfer-encoding']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
  });
});

describe('client keys', () => {
  it('refuses a missing key with a clear JSON error', async () => {
    const res = await call(server.url, '/proxy/hdr/x');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.text).error).toMatchObject({
      type: 'unauthorized',
      message: expect.stringMatching(/Missing API key/),
    });
  });

  it('refuses a wrong key', async () => {
    const res = await call(server.url, '/proxy/hdr/x', { headers: { authorization: 'Bearer nope-nope' } });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.message).toBe('Invalid API key');
  });

  it("refuses a key the service's client-keys do not name", async () => {
    const from = fake.seen.length;
    const res = await call(server.url, '/proxy/qry/geo', { headers: auth });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.message).toBe("This API key may not use the proxy service 'qry'");
    expect(fake.seen.length).toBe(from);
  });

  it('answers an unknown service with a 404', async () => {
    const res = await call(server.url, '/proxy/nope/x', { headers: auth });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error.message).toBe("No proxy service named 'nope'");
  });
});

describe('SSRF', () => {
  const attacks = [
    '/proxy/hdr/../../admin',
    '/proxy/hdr/a/../../b',
    '/proxy/hdr/%2e%2e/admin',
    '/proxy/hdr/%2E%2E/admin',
    '/proxy/hdr/.%2e/admin',
    '/proxy/hdr/%252e%252e/admin',
    '/proxy/hdr/a%2f..%2f..%2fadmin',
    '/proxy/hdr/./x',
    '/proxy/hdr/..\\admin',
    '/proxy/hdr/%5c..%5cadmin',
    '/proxy/hdr//evil.example/x',
    '/proxy/hdr/http://evil.example/x',
    '/proxy/hdr/https:%2f%2fevil.example',
    '/proxy/hdr/a%00b',
    '/proxy/hdr/%zz',
  ];
  for (const path of attacks) {
    it(`refuses ${path} with a 400 and never calls the service`, async () => {
      const from = fake.seen.length;
      const res = await call(server.url, path, { headers: auth });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error.message).toMatch(/^The proxied path /);
      expect(fake.seen.length).toBe(from);
    });
  }

  it('keeps a harmless path with dots and encoded characters under the base path', async () => {
    await call(server.url, '/proxy/hdr/files/v1.2..3/a%20b.txt', { headers: auth });
    expect(fake.seen.at(-1)!.url).toBe('/api/v2/files/v1.2..3/a%20b.txt');
  });
});

describe('answers', () => {
  it('passes a 3xx to the caller without following it, with the key masked in its location', async () => {
    fake.next(answer(302, { location: `https://elsewhere.example/?api_key=${QKEY}` }));
    const from = fake.seen.length;
    const res = await call(server.url, '/proxy/qry/redir', { headers: { authorization: `Bearer ${OTHER_CLIENT}` } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://elsewhere.example/?api_key=[redacted]');
    expect(fake.seen.length).toBe(from + 1);
  });

  it('strips hop-by-hop headers and set-cookie from the answer and masks an echoed key in the body', async () => {
    fake.next(async (req, res, seen) => {
      seen.body = await readAll(req);
      res.writeHead(200, {
        'content-type': 'text/plain',
        'set-cookie': 'a=1',
        'x-service': 'ok',
        'keep-alive': 'timeout=5',
      });
      res.end(`you sent ${req.headers.authorization}`);
    });
    const res = await call(server.url, '/proxy/hdr/echo', { headers: auth });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-service']).toBe('ok');
    expect(res.text).not.toContain(KEY1);
    expect(res.text).not.toContain(KEY2);
    expect(res.text).toMatch(/^you sent Bearer \*{20}$/);
  });

  it('passes a 400 and a 404 through without cooling the key', async () => {
    fake.next(answer(400, {}, '{"error":"bad q"}'), answer(404, {}, '{"error":"no such"}'));
    const a = await call(server.url, '/proxy/hdr/x', { headers: auth });
    const b = await call(server.url, '/proxy/hdr/x', { headers: auth });
    expect([a.status, b.status]).toEqual([400, 404]);
    expect(a.text).toBe('{"error":"bad q"}');
    expect(await proxy.pools.get('hdr')!.cooldowns()).toEqual([]);
  });
});

describe('failover and cooldown', () => {
  it('retries a 429 on another key with the body replayed, cooling the first for its Retry-After', async () => {
    fake.next(answer(429, { 'retry-after': '120' }));
    const from = fake.seen.length;
    const started = Date.now();
    const res = await call(server.url, '/proxy/hdr/x', { method: 'POST', headers: auth, body: 'small body' });
    expect(res.status).toBe(200);
    const seen = fake.seen.slice(from);
    expect(seen).toHaveLength(2);
    expect(seen.map((s) => s.body)).toEqual(['small body', 'small body']);
    expect(seen[0]!.headers.authorization).not.toBe(seen[1]!.headers.authorization);
    const cooling = await proxy.pools.get('hdr')!.cooldowns();
    expect(cooling).toHaveLength(1);
    expect(cooling[0]!.reason).toBe('rate_limited');
    expect(cooling[0]!.until).toBeGreaterThanOrEqual(started + 120_000);
    expect(cooling[0]!.until).toBeLessThan(Date.now() + 121_000);
  });

  it('honours x-ratelimit-remaining: 0 with its reset on a 429', async () => {
    fake.next(answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '300' }));
    const started = Date.now();
    expect((await call(server.url, '/proxy/hdr/x', { headers: auth })).status).toBe(200);
    const [cooling] = await proxy.pools.get('hdr')!.cooldowns();
    expect(cooling!.until).toBeGreaterThanOrEqual(started + 300_000);
  });

  it('cools a key the service reports used up on a success, before it 429s', async () => {
    fake.next(answer(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '60' }, '{}'));
    expect((await call(server.url, '/proxy/hdr/x', { headers: auth })).status).toBe(200);
    const cooling = await proxy.pools.get('hdr')!.cooldowns();
    expect(cooling.map((c) => c.reason)).toEqual(['quota_snapshot']);
  });

  it('retries a 5xx on another key and cools the first briefly', async () => {
    fake.next(answer(502));
    const from = fake.seen.length;
    expect((await call(server.url, '/proxy/hdr/x', { headers: auth })).status).toBe(200);
    expect(fake.seen.length - from).toBe(2);
    const cooling = await proxy.pools.get('hdr')!.cooldowns();
    expect(cooling.map((c) => c.reason)).toEqual(['transient']);
    expect(cooling[0]!.until).toBeLessThanOrEqual(Date.now() + 30_000);
  });

  it('disables a key that gets a 401 for the long period and answers 502 when no key is left', async () => {
    fake.next(answer(401, {}, `{"error":"bad key ${KEY1}"}`), answer(403, {}, `{"error":"bad key ${KEY2}"}`));
    const started = Date.now();
    const res = await call(server.url, '/proxy/hdr/x', { headers: auth });
    expect(res.status).toBe(502);
    expect(res.text).not.toContain(KEY1);
    expect(res.text).not.toContain(KEY2);
    expect(JSON.parse(res.text).error.message).toMatch(/refused its key \(40[13]\)/);
    const cooling = await proxy.pools.get('hdr')!.cooldowns();
    expect(cooling.map((c) => c.reason).sort()).toEqual(['forbidden', 'unauthorized']);
    for (const c of cooling) expect(c.until).toBeGreaterThanOrEqual(started + 30 * 60_000);
    // Every key is out now: the next call is told to come back later.
    const later = await call(server.url, '/proxy/hdr/x', { headers: auth });
    expect(later.status).toBe(429);
    expect(Number(later.headers['retry-after'])).toBeGreaterThan(29 * 60);
  });

  it('does not retry a body larger than max-replay-bytes: the 429 goes to the caller, the key cools', async () => {
    fake.next(answer(429, { 'retry-after': '5' }, '{"error":"slow down"}'));
    const from = fake.seen.length;
    const big = 'x'.repeat(1000);
    const res = await call(server.url, '/proxy/hdr/upload', { method: 'PUT', headers: auth, body: big });
    expect(res.status).toBe(429);
    expect(res.text).toBe('{"error":"slow down"}');
    expect(fake.seen.length - from).toBe(1);
    expect(fake.seen.at(-1)!.body).toBe(big);
    expect((await proxy.pools.get('hdr')!.cooldowns()).map((c) => c.reason)).toEqual(['rate_limited']);
  });
});

describe('network failures and aborts', () => {
  it('fails over when the service cannot be reached and answers 502 without the cause', async () => {
    const res = await call(server.url, '/proxy/down/x', { headers: auth });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text).error.message).toBe("The service 'down' could not be reached");
    const cooling = await proxy.pools.get('down')!.cooldowns();
    expect(cooling.map((c) => `${c.id}:${c.reason}`).sort()).toEqual(['d1:transient', 'd2:transient']);
  });

  it('does not cool a key when the client goes away', async () => {
    let release: (() => void) | undefined;
    const arrived = new Promise<void>((resolve) => {
      fake.next(async (req, res) => {
        resolve();
        await new Promise<void>((r) => {
          release = r;
          req.socket.once('close', r);
        });
        res.destroy();
      });
    });
    const before = usage.length;
    const controller = new AbortController();
    const pending = fetch(`${server.url}/proxy/hdr/slow`, { headers: auth, signal: controller.signal }).catch(
      (err: Error) => err.name,
    );
    await arrived;
    controller.abort();
    expect(await pending).toBe('AbortError');
    await new Promise<void>((resolve) => {
      const check = () => (usage.length > before ? resolve() : setTimeout(check, 5));
      check();
    });
    release?.();
    expect(usage.at(-1)).toMatchObject({ service: 'hdr', status: 499 });
    expect(await proxy.pools.get('hdr')!.cooldowns()).toEqual([]);
  });
});

describe('usage and logs', () => {
  it('reports service, key id, status, bytes and latency to the hooks and the Manager, never the key', async () => {
    usage.length = 0;
    hooked.length = 0;
    const res = await call(server.url, '/proxy/hdr/x', { method: 'POST', headers: auth, body: '12345' });
    expect(res.status).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(usage).toHaveLength(1);
    expect(hooked).toEqual(usage);
    const [record] = usage;
    expect(record).toMatchObject({
      kind: 'proxy',
      service: 'hdr',
      provider: 'proxy',
      modelRequested: 'hdr',
      modelUsed: 'hdr',
      status: 200,
      success: true,
      attempts: 1,
      bytesIn: 5,
      bytesOut: Buffer.byteLength(res.text),
      principal: 'team-a',
    });
    expect(['k1', 'k2']).toContain(record!.credentialId);
    expect(record!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('never writes a key into a usage record or a log line', async () => {
    fake.next(answer(500, {}, `{"error":"${KEY1} ${KEY2}"}`));
    await call(server.url, `/proxy/hdr/x?k=${KEY1}`, { headers: auth });
    await call(server.url, '/proxy/qry/y', { headers: { authorization: `Bearer ${OTHER_CLIENT}` } });
    const text = JSON.stringify(usage) + JSON.stringify(hooked) + JSON.stringify(logs.lines);
    expect(logs.lines.some((l) => l.msg === 'proxy request')).toBe(true);
    for (const secret of [KEY2, QKEY, CLIENT, OTHER_CLIENT]) expect(text).not.toContain(secret);
  });
});

describe('masking a key split across chunks', () => {
  it('masks a key whose halves arrive in two chunks, and passes other chunks on at once', async () => {
    fake.next(async (req, res) => {
      await readAll(req);
      const sent = String(req.headers.authorization).slice('Bearer '.length);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`a${sent.slice(0, 7)}`);
      setTimeout(() => res.end(`${sent.slice(7)}z`), 20);
    });
    const res = await call(server.url, '/proxy/hdr/split', { headers: auth });
    expect(res.text).toBe(`a${'*'.repeat(KEY1.length)}z`);
  });
});
