// Three `switchyard serve` processes (the built CLI) sharing one PostgreSQL table of credentials and one
// Redis key prefix of routing state, in front of one fake OpenAI: the deployment multi-instance.test.ts
// proves with three in-process Managers, here with real processes and the official OpenAI SDK as the caller.
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { RedisStateStore } from '../../src/manager/state/redis/index.js';
import { PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import { type FakeOpenAI, openaiError, startFakeOpenAI } from '../fakes/fake-openai.js';
import { type FakeServer, type RecordedRequest, startFakeServer } from '../fakes/fake-server.js';
import { deleteKeys, dropSchema } from '../stores/cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, probeRedis, REDIS_URL, runId } from '../stores/services.js';
import { type Gateway, startGateway, stopAllGateways } from './gateway.js';

const [postgres, redis] = await Promise.all([probePostgres(), probeRedis()]);

const CLIENT_KEY = 'sk-scale-out-client';
const MODEL = 'gpt-4o';
const OAUTH_MODEL = 'gpt-4o-oauth';
const KEYS = ['sk-scale-key-1', 'sk-scale-key-2', 'sk-scale-key-3'];
const ADDED_KEY = 'sk-scale-key-4';
const STALE_TOKEN = 'at-stale-0000';
const REFRESH_TOKEN = 'rt-scale-1111';
const CLIENT_ID = 'switchyard-scale-out';
const messages = [{ role: 'user' as const, content: 'hi' }];

/** The key the fake saw on a chat request (`authorization: Bearer …`). */
function keyOf(request: RecordedRequest): string | undefined {
  const auth = request.headers.authorization;
  return typeof auth === 'string' ? auth.replace(/^Bearer /, '') : undefined;
}

/** The chat requests the fake received since index `from`, optionally for one upstream model. */
function chatsSince(fake: FakeOpenAI, from: number, model?: string): RecordedRequest[] {
  return fake.requests
    .slice(from)
    .filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/v1/chat/completions' &&
        (model === undefined || (r.body as { model?: unknown } | undefined)?.model === model),
    );
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Rejects after `ms`, so no wait in this file is unbounded. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describeWithServices('three switchyard serve processes sharing PostgreSQL and Redis', [postgres, redis], () => {
  const schema = runId('scale');
  const prefix = `${runId('scale')}:`;
  const table = 'tokens';
  const adminPg = new pg.Pool({ connectionString: PG_DSN, max: 2 });
  const adminRedis = new Redis(REDIS_URL);
  let fake: FakeOpenAI | undefined;
  let tokenEndpoint: FakeServer | undefined;
  let tokenCalls = 0;
  let store: PostgresTokenStore | undefined;
  let state: RedisStateStore | undefined;
  let gateways: Gateway[] = [];
  let clients: OpenAI[] = [];

  const chat = (i: number, model = MODEL) => clients[i % 3]!.chat.completions.create({ model, messages });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    tokenEndpoint = await startFakeServer(async (req) => {
      if (req.method !== 'POST' || req.path !== '/oauth/token') return { status: 404, body: { error: 'not_found' } };
      tokenCalls += 1;
      const n = tokenCalls;
      const form = new URLSearchParams(req.rawBody);
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== REFRESH_TOKEN) {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      return {
        // A slow token endpoint widens the window in which the three processes race for the refresh.
        delayHeadersMs: 200,
        body: { access_token: `at-fresh-${n}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-next-${n}` },
      };
    });
    const baseUrl = fake.baseUrl;
    store = new PostgresTokenStore(PG_DSN, { schema, table });
    const seeded: Credential[] = [
      ...KEYS.map((apiKey, i) => ({
        id: `key-${i + 1}`,
        provider: 'openai',
        apiKey,
        baseUrl,
        models: [{ name: MODEL }],
      })),
      {
        id: 'oauth-1',
        provider: 'openai',
        kind: 'oauth',
        baseUrl,
        models: [{ name: OAUTH_MODEL }],
        oauth: {
          accessToken: STALE_TOKEN,
          refreshToken: REFRESH_TOKEN,
          expiresAt: Date.now() - 60_000,
          tokenUrl: `${tokenEndpoint.url}/oauth/token`,
          clientId: CLIENT_ID,
        },
      },
    ];
    for (const credential of seeded) await store.save(credential);
    state = new RedisStateStore(REDIS_URL, { prefix });
    expect(await state.ready(5_000)).toBe(true);

    const config = {
      pgstore: { dsn: PG_DSN, schema, table },
      redis: { url: REDIS_URL, prefix },
      'api-keys': [CLIENT_KEY],
      routing: { strategy: 'round-robin' },
    };
    gateways = await Promise.all([0, 1, 2].map(() => startGateway(config, ['--log-level', 'warn'])));
    for (const gateway of gateways) expect(gateway.stdout()).toMatch(/credentials: .*key-1 \(openai\)/);
    clients = gateways.map(
      (g) => new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${g.url}/v1`, maxRetries: 0, timeout: 10_000 }),
    );
  }, 30_000);

  afterAll(async () => {
    await stopAllGateways();
    await state?.close();
    await store?.close();
    await fake?.close();
    await tokenEndpoint?.close();
    await dropSchema(adminPg, schema);
    await adminPg.end();
    await deleteKeys(adminRedis, prefix);
    adminRedis.disconnect();
  }, 20_000);

  it('spreads 300 requests over three processes onto the three credentials: 100 ± 3 each', async () => {
    const from = fake!.requests.length;
    // In strict rotation over the processes, one at a time: a shared cursor gives consecutive requests
    // consecutive credentials whatever process they reach; three local cursors would repeat each key three times.
    for (let i = 0; i < 30; i++) {
      expect((await within(10_000, 'a request', chat(i))).choices[0]!.message.content).toBe('Hello from fake OpenAI');
    }
    const rotation = chatsSince(fake!, from).map(keyOf);
    expect(rotation).toHaveLength(30);
    for (let i = 0; i + 3 <= rotation.length; i++) expect(new Set(rotation.slice(i, i + 3)).size).toBe(3);

    // The other 270 with 12 in flight.
    await within(
      30_000,
      '270 requests',
      pool(270, 12, async (i) => {
        const answer = await chat(i);
        expect(answer.choices[0]!.message.content).toBe('Hello from fake OpenAI');
      }),
    );
    const seen = chatsSince(fake!, from);
    expect(seen).toHaveLength(300);
    const counts = new Map<string, number>();
    for (const request of seen) counts.set(keyOf(request) ?? '?', (counts.get(keyOf(request) ?? '?') ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(KEYS);
    for (const key of KEYS) expect(Math.abs((counts.get(key) ?? 0) - 100)).toBeLessThanOrEqual(3);
  }, 40_000);

  it('cools a credential on every process after one of them sees a 429', async () => {
    const from = fake!.requests.length;
    fake!.script(
      openaiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': '30' }),
    );
    const first = await within(10_000, 'the 429 request', chat(0));
    expect(first.choices[0]!.message.content).toBe('Hello from fake OpenAI'); // failed over inside process 0
    const tried = chatsSince(fake!, from);
    expect(tried).toHaveLength(2);
    const cooled = keyOf(tried[0]!)!;
    expect(KEYS).toContain(cooled);
    expect(keyOf(tried[1]!)).not.toBe(cooled);

    // The very next requests go to the other two processes.
    const next = fake!.requests.length;
    for (let i = 0; i < 30; i++) await within(10_000, 'a request', chat(1 + (i % 2)));
    const after = chatsSince(fake!, next).map(keyOf);
    expect(after).toHaveLength(30);
    expect(after).not.toContain(cooled);
    expect(new Set(after)).toEqual(new Set(KEYS.filter((k) => k !== cooled)));

    const cooldowns = await state!.listCooldowns(Date.now());
    const id = `key-${KEYS.indexOf(cooled) + 1}`;
    expect(cooldowns).toEqual([expect.objectContaining({ credentialId: id, reason: 'rate_limited' })]);
    expect(cooldowns[0]!.until).toBeGreaterThan(Date.now() + 20_000);
  });

  it('serves a credential saved through one store handle on all three processes within a second', async () => {
    const saved = Date.now();
    await store!.save({
      id: 'key-4',
      provider: 'openai',
      apiKey: ADDED_KEY,
      baseUrl: fake!.baseUrl,
      models: [{ name: MODEL }],
    });
    const servedAfter: number[] = [];
    // One process at a time, so each request at the fake is known to come from that process; consecutive
    // requests to one process walk the shared cursor one step, so a known credential comes up within a few.
    for (const p of [0, 1, 2]) {
      for (;;) {
        if (Date.now() - saved > 3_000) throw new Error(`process ${p} did not serve the added credential within 3 s`);
        const from = fake!.requests.length;
        await within(5_000, 'a request', chat(p));
        if (chatsSince(fake!, from).some((r) => keyOf(r) === ADDED_KEY)) break;
      }
      servedAfter.push(Date.now() - saved);
    }
    expect(servedAfter).toHaveLength(3);
    for (const ms of servedAfter) expect(ms).toBeLessThan(1_000);
  });

  it('refreshes an expired OAuth credential exactly once under concurrent load on three processes', async () => {
    const from = fake!.requests.length;
    expect(tokenCalls).toBe(0); // nothing refreshed it before the load
    const results = await within(
      15_000,
      '60 concurrent requests',
      Promise.allSettled(Array.from({ length: 60 }, (_, i) => chat(i, OAUTH_MODEL))),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    expect(tokenCalls).toBe(1);
    const form = Object.fromEntries(new URLSearchParams(tokenEndpoint!.requests.at(-1)!.rawBody));
    expect(form).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID });

    const upstream = chatsSince(fake!, from, OAUTH_MODEL);
    expect(upstream).toHaveLength(60);
    expect(new Set(upstream.map(keyOf))).toEqual(new Set(['at-fresh-1']));
    expect(fake!.requests.some((r) => keyOf(r) === STALE_TOKEN)).toBe(false);

    const stored = await store!.get('oauth-1');
    expect(stored!.oauth).toMatchObject({ accessToken: 'at-fresh-1', refreshToken: 'rt-next-1' });
    expect(stored!.oauth!.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
  });
});
