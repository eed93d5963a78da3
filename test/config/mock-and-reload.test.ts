import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executorTimeouts, fromConfig, handlerSettings, managerSettings } from '../../src/config/index.js';
import type { Logger } from '../../src/core/logger.js';
import { StickySelector } from '../../src/manager/selectors/sticky.js';

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function recorder() {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg?: string) =>
    lines.push({ level, msg: msg ?? '', fields });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger };
}

async function tempConfig(text: string) {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
  const path = join(dir, 'config.yaml');
  const write = (body: string) => writeFile(path, `auth-dir: ${JSON.stringify(join(dir, 'auths'))}\n${body}`);
  await write(text);
  return { path, write };
}

describe('the mock provider serves only when asked or when nothing is configured', () => {
  it('refuses a config file with no usable credentials and no mock, saying how to fix it', async () => {
    const { path } = await tempConfig('port: 8317\napi-keys: [k]\n');
    await expect(fromConfig(path, { env: {}, watch: false })).rejects.toThrow(
      /declares no usable credentials[\s\S]*claude-api-key[\s\S]*auth directory[\s\S]*mock: true/,
    );
  });

  it('refuses a config object with no usable credentials too', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
    await expect(fromConfig({ 'auth-dir': join(dir, 'auths') }, { env: {} })).rejects.toThrow(/no usable credentials/);
  });

  it('serves the mock with `mock: true`', async () => {
    const { path } = await tempConfig('mock: true\n');
    const app = await fromConfig(path, { env: {}, watch: false });
    try {
      expect(app.manager.credentials().map((c) => c.id)).toEqual(['mock-1', 'mock-2']);
    } finally {
      await app.close();
    }
  });

  it('serves real credentials alone: a misspelt section is refused, never answered by the mock', async () => {
    const { path } = await tempConfig('claude-api-keys:\n  - api-key: sk-ant-1\n');
    await expect(fromConfig(path, { env: {}, watch: false })).rejects.toThrow(/did you mean 'claude-api-key'\?/);
  });

  it('counts credential files in the auth directory as usable', async () => {
    const { path } = await tempConfig('port: 1\n');
    await mkdir(join(dir, 'auths', 'anthropic'), { recursive: true });
    await writeFile(
      join(dir, 'auths', 'anthropic', 'a1.json'),
      JSON.stringify({ id: 'a1', provider: 'anthropic', apiKey: 'sk-ant-file' }),
    );
    const app = await fromConfig(path, { env: {}, watch: false });
    try {
      expect(app.manager.credentials().map((c) => c.id)).toEqual(['a1']);
    } finally {
      await app.close();
    }
  });
});

describe('reload', () => {
  it('logs that a change of host, port or tls needs a restart', async () => {
    const { path, write } = await tempConfig('host: 127.0.0.1\nport: 8317\nmock: true\n');
    const { lines, logger } = recorder();
    const app = await fromConfig(path, { env: {}, watch: false, logger });
    try {
      await write('host: 0.0.0.0\nport: 9000\ntls: { enable: false }\nmock: true\n');
      await app.reload();
      const restart = lines.filter((l) => l.level === 'warn' && l.msg.includes('restart'));
      expect(restart.map((l) => l.fields.key)).toEqual(['host', 'port', 'tls']);
      expect(app.config.port).toBe(9000);
    } finally {
      await app.close();
    }
  });

  it('applies a change of routing.strategy and session affinity at once through manager.setSelector', async () => {
    const { path, write } = await tempConfig('mock: true\nrouting: { strategy: round-robin }\n');
    const app = await fromConfig(path, { env: {}, watch: false });
    const setSelector = vi.spyOn(app.manager, 'setSelector');
    try {
      await write('mock: true\nrouting: { strategy: fill-first, session-affinity: true, session-affinity-ttl: 5m }\n');
      await app.reload();
      expect(setSelector).toHaveBeenCalledTimes(1);
      expect(setSelector.mock.calls[0]![0]).toBeInstanceOf(StickySelector);
      await write(
        'mock: true\nrouting: { strategy: fill-first, session-affinity: true, session-affinity-ttl: 5m }\nport: 1\n',
      );
      await app.reload();
      expect(setSelector).toHaveBeenCalledTimes(1);
    } finally {
      await app.close();
    }
  });

  it('refuses a reload that removes every client key while keys are in force; the old keys keep working', async () => {
    const { path, write } = await tempConfig('mock: true\napi-keys: [sk-client-1]\n');
    const { lines, logger } = recorder();
    const app = await fromConfig(path, { env: {}, watch: false, logger });
    const ask = async (key?: string) => {
      const res = await app.handler({
        method: 'GET',
        path: '/v1/models',
        query: {},
        body: '',
        signal: new AbortController().signal,
        headers: key ? { authorization: `Bearer ${key}` } : {},
        remoteAddress: '10.0.0.5',
      });
      return res.status;
    };
    try {
      expect(await ask('sk-client-1')).toBe(200);
      await write('mock: true\nport: 8317\n');
      await app.reload();
      const refused = lines.find((l) => l.level === 'error' && l.msg.includes('config edit refused'));
      expect(String(refused?.fields.error)).toContain('removes every client key');
      expect(app.config['api-keys']).toEqual(['sk-client-1']);
      expect(await ask('sk-client-1')).toBe(200);
      expect(await ask()).toBe(401);
      await write('mock: true\napi-keys: [sk-client-2]\n');
      await app.reload();
      expect(await ask('sk-client-2')).toBe(200);
      expect(await ask('sk-client-1')).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('settings passed to the Manager and the handler', () => {
  it('maps timeouts with the documented defaults', () => {
    expect(managerSettings({}).timeouts).toEqual({ firstByteMs: 120_000, idleMs: 300_000, totalMs: 0 });
    expect(executorTimeouts({})).toEqual({
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 600_000,
      bodyTimeoutMs: 301_000,
    });
    const config = {
      timeouts: { connect: 5, headers: '10m', 'first-byte': '90s', idle: '2m', total: '1h' },
    };
    expect(managerSettings(config).timeouts).toEqual({ firstByteMs: 90_000, idleMs: 120_000, totalMs: 3_600_000 });
    expect(executorTimeouts(config)).toEqual({
      connectTimeoutMs: 5_000,
      headersTimeoutMs: 600_000,
      bodyTimeoutMs: 121_000,
    });
  });

  it('passes max-event-bytes (default 16 MiB), max-body-bytes and max-json-depth (default 128)', () => {
    expect(managerSettings({}).maxEventBytes).toBe(16 * 1024 * 1024);
    expect(managerSettings({ 'max-event-bytes': 4096 }).maxEventBytes).toBe(4096);
    expect(handlerSettings({})).toMatchObject({ maxJsonDepth: 128 });
    expect(handlerSettings({ 'max-body-bytes': 1000, 'max-json-depth': 32 })).toMatchObject({
      maxBodyBytes: 1000,
      maxJsonDepth: 32,
    });
  });

  it('asks the handler for loopback-only access when no keys are configured, and for nothing else unless told', () => {
    expect(handlerSettings({}).allowUnauthenticated).toBe('loopback');
    expect(handlerSettings({ 'allow-unauthenticated': true }).allowUnauthenticated).toBe(true);
    expect(handlerSettings({}, true).allowUnauthenticated).toBe(true);
    expect(handlerSettings({ 'api-keys': ['k'] }).allowUnauthenticated).toBe(false);
  });

  it('hands the executors the connect and headers timeouts', async () => {
    const { path } = await tempConfig('mock: true\ntimeouts: { connect: 1, headers: 2 }\n');
    const app = await fromConfig(path, { env: {}, watch: false });
    await app.close();
    expect(executorTimeouts(app.config)).toEqual({
      connectTimeoutMs: 1_000,
      headersTimeoutMs: 2_000,
      bodyTimeoutMs: 301_000,
    });
  });
});

describe('PostgreSQL and Redis errors name their config key, never the password', () => {
  it('pgstore.dsn', async () => {
    const { path } = await tempConfig('mock: true\npgstore: { dsn: "postgres://gw:hunter2secret@127.0.0.1:1/db" }\n');
    const err = await fromConfig(path, { env: {}, watch: false }).then(
      () => new Error('it started'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('pgstore.dsn');
    expect(err.message).toContain('postgres://gw:***@127.0.0.1:1/db');
    expect(err.message).not.toContain('hunter2secret');
  });

  it('PGSTORE_DSN from the environment', async () => {
    const { path } = await tempConfig('mock: true\n');
    const err = await fromConfig(path, {
      env: { PGSTORE_DSN: 'postgres://gw:hunter2secret@127.0.0.1:1/db' },
      watch: false,
    }).then(
      () => new Error('it started'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toContain('PGSTORE_DSN');
    expect(err.message).not.toContain('hunter2secret');
  });

  it('redis.url: log lines of the state store name the key and hide the password', async () => {
    const { path } = await tempConfig('mock: true\nredis: { url: "redis://:hunter2secret@127.0.0.1:1" }\n');
    const { lines, logger } = recorder();
    const app = await fromConfig(path, { env: {}, watch: false, logger });
    try {
      for (let i = 0; i < 100 && !lines.some((l) => l.fields.source === 'redis.url'); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const fromRedis = lines.filter((l) => l.fields.source === 'redis.url');
      expect(fromRedis.length).toBeGreaterThan(0);
      expect(fromRedis[0]!.fields.redis).toBe('redis://:***@127.0.0.1:1');
      expect(JSON.stringify(lines)).not.toContain('hunter2secret');
    } finally {
      await app.close();
    }
  });
});
