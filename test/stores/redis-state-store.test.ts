import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { fromEnv, RedisStateStore } from '../../src/manager/state/redis/index.js';
import { ALL_MODELS } from '../../src/manager/state/types.js';
import { waitFor } from '../../src/testing/index.js';
import { deleteKeys } from './cleanup.js';
import { describeWithServices, probeRedis, REDIS_URL, runId } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

const redis = await probeRedis();

function recordingLogger() {
  const lines: Array<{ level: string; msg: string | undefined }> = [];
  const at =
    (level: string) =>
    (_obj: Record<string, unknown>, msg?: string): void => {
      lines.push({ level, msg });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describeWithServices('RedisStateStore against Redis', [redis], () => {
  const admin = new Redis(REDIS_URL);
  const prefix = `${runId('redis')}:`;
  const stores: RedisStateStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deleteKeys(admin, prefix);
    admin.disconnect();
  });
  const open = (url: string, options: ConstructorParameters<typeof RedisStateStore>[1] = {}) => {
    const store = new RedisStateStore(url, { prefix, ...options });
    stores.push(store);
    return store;
  };

  it('answers a selection in one round trip and lets every key expire', async () => {
    const state = open(REDIS_URL, { prefix: `${prefix}ttl:` });
    await state.ready();
    const now = Date.now();
    await state.setCooldown({
      credentialId: 'c1',
      model: 'm1',
      until: now + 60_000,
      reason: 'rate_limited',
      strikes: 1,
    });
    await state.acquire('c1');
    await state.setBinding('s', 'c1', 60_000, now);
    await state.hit('w', 1, 60_000, now);
    await state.recordFailure('c1');
    await state.setQuota('c1', { at: now });
    const monitor = admin.duplicate();
    const commands: string[] = [];
    await monitor.monitor().then((m) => {
      m.on('monitor', (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() !== 'monitor') commands.push(args[0]!.toLowerCase());
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    commands.length = 0;
    const selection = await state.selection({
      cursorKey: 'rr:m1',
      model: 'm1',
      now,
      advanceCursor: true,
      withInFlight: true,
    });
    await new Promise((r) => setTimeout(r, 50));
    monitor.disconnect();
    expect(selection.unavailable.get('c1')).toBe(now + 60_000);
    expect(selection.inFlight?.get('c1')).toBe(1);
    // MONITOR shows the script and the commands it ran inside; only one came from the client.
    expect(commands.filter((c) => c === 'evalsha' || c === 'eval')).toHaveLength(1);
    const keys = await admin.keys(`${prefix}ttl:*`);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(await admin.pttl(key), key).toBeGreaterThan(0);
  });

  it('loads its scripts again after SCRIPT FLUSH (NOSCRIPT falls back to EVAL)', async () => {
    const state = open(REDIS_URL, { prefix: `${prefix}flush:` });
    await state.ready();
    await state.selection({ cursorKey: 'k', model: 'm', now: Date.now(), advanceCursor: true });
    await admin.script('FLUSH');
    const s = await state.selection({ cursorKey: 'k', model: 'm', now: Date.now(), advanceCursor: true });
    expect(s.cursor).toBe(1);
    expect(state.shared).toBe(true);
  });

  it('serves from local state at once when Redis cannot be reached', async () => {
    const { logger, lines } = recordingLogger();
    const state = open('redis://127.0.0.1:1', { logger });
    const started = Date.now();
    const s1 = await state.selection({ cursorKey: 'k', model: 'm', now: Date.now(), advanceCursor: true });
    const s2 = await state.selection({ cursorKey: 'k', model: 'm', now: Date.now(), advanceCursor: true });
    expect([s1.cursor, s2.cursor]).toEqual([0, 1]);
    await state.setCooldown({
      credentialId: 'c',
      model: ALL_MODELS,
      until: Date.now() + 1_000,
      reason: 'transient',
      strikes: 1,
    });
    expect((await state.selection({ cursorKey: 'k', model: 'm', now: Date.now() })).unavailable.has('c')).toBe(true);
    expect(await state.lock('l', 1_000)).toBeDefined();
    expect(Date.now() - started).toBeLessThan(500);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('falls back during an outage and shares again when Redis returns', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(REDIS_URL).port || 6379));
    await proxy.start();
    const { logger, lines } = recordingLogger();
    const p = `${prefix}outage:`;
    const a = open(`redis://127.0.0.1:${proxy.port}`, { prefix: p, logger, commandTimeoutMs: 300 });
    const b = open(REDIS_URL, { prefix: p });
    expect(await a.ready()).toBe(true);
    await b.ready();
    await b.setCooldown({
      credentialId: 'shared',
      model: 'm',
      until: Date.now() + 60_000,
      reason: 'rate_limited',
      strikes: 1,
    });
    expect((await a.selection({ cursorKey: 'k', model: 'm', now: Date.now() })).unavailable.has('shared')).toBe(true);

    await proxy.stop();
    await waitFor(() => (a.redis.status === 'ready' ? undefined : true));
    const started = Date.now();
    const during = await a.selection({ cursorKey: 'k', model: 'm', now: Date.now(), advanceCursor: true });
    expect(Date.now() - started).toBeLessThan(400);
    expect(during.unavailable.has('shared')).toBe(false); // local state knows nothing of b's cooldown
    expect(a.shared).toBe(false);
    // Learned alone, handed over on recovery.
    await a.setCooldown({
      credentialId: 'alone',
      model: 'm',
      until: Date.now() + 60_000,
      reason: 'transient',
      strikes: 1,
    });

    await proxy.start(); // same port
    await waitFor(() => (a.shared ? true : undefined), 5_000);
    await waitFor(async () => {
      const seen = await b.selection({ cursorKey: 'k', model: 'm', now: Date.now() });
      return seen.unavailable.has('alone') ? true : undefined;
    });
    expect((await a.selection({ cursorKey: 'k', model: 'm', now: Date.now() })).unavailable.has('shared')).toBe(true);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(lines.some((l) => l.level === 'info' && l.msg?.includes('again'))).toBe(true);
    await proxy.stop();
  });

  it('recovers after CLIENT KILL', async () => {
    const p = `${prefix}kill:`;
    const a = open(REDIS_URL, { prefix: p });
    await a.ready();
    const id = await a.redis.client('ID');
    await admin.client('KILL', 'ID', String(id));
    await waitFor(async () => {
      await a.acquire('x');
      return a.shared ? true : undefined;
    }, 5_000);
    await a.setCooldown({ credentialId: 'k', model: 'm', until: Date.now() + 10_000, reason: 'transient', strikes: 1 });
    expect(await admin.zscore(`${p}cd:m`, 'k')).not.toBeNull();
  });

  it('builds a store from REDIS_URL', async () => {
    const state = fromEnv({ prefix: `${prefix}env:` }, { REDIS_URL });
    stores.push(state);
    expect(await state.ready()).toBe(true);
    expect(() => fromEnv({}, {})).toThrow(/REDIS_URL/);
  });
});
