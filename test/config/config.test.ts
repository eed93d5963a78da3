import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialsFromConfig, fromConfig, parseConfig } from '../../src/config/index.js';
import { SwitchyardError } from '../../src/core/errors.js';

const decoder = new TextDecoder();

function configError(text: string): string {
  try {
    parseConfig(text, 'config.yaml');
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('parseConfig', () => {
  it("reads CLIProxyAPI's keys", () => {
    const { config, warnings } = parseConfig(
      [
        'host: ""',
        'port: 8317',
        'api-keys: ["k1", "k2"]',
        'request-retry: 3',
        'max-retry-interval: 30',
        'quota-exceeded:',
        '  switch-project: true',
        'routing:',
        '  strategy: fill-first',
        'claude-api-key:',
        '  - api-key: sk-ant-1',
        '    prefix: team-a',
        '    models:',
        '      - name: claude-sonnet-4-5-20250929',
        '        alias: sonnet',
        '    excluded-models: ["*-haiku*"]',
        'openai-compatibility:',
        '  - name: OpenRouter',
        '    base-url: https://openrouter.ai/api/v1',
        '    api-key-entries:',
        '      - api-key: sk-or-1',
        'commercial-mode: false',
      ].join('\n'),
    );
    expect(config.port).toBe(8317);
    expect(config.routing?.strategy).toBe('fill-first');
    expect(config['claude-api-key']?.[0]?.models?.[0]).toEqual({ name: 'claude-sonnet-4-5-20250929', alias: 'sonnet' });
    // switch-project is CLIProxyAPI's; we say what we use instead. commercial-mode is known and ignored silently.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('quota-exceeded');
  });

  it('refuses a bad value naming its path and line', () => {
    const message = configError(['port: 8317', 'routing:', '  strategy: random-ish'].join('\n'));
    expect(message).toContain('routing.strategy (line 3)');
  });

  it('refuses a bad key inside a provider entry with its path and line', () => {
    const message = configError(['claude-api-key:', '  - api-key: sk-1', '    weight: -2'].join('\n'));
    expect(message).toMatch(/claude-api-key\.0\.weight \(line 3\)/);
  });

  it('refuses YAML that does not parse, with the line', () => {
    expect(configError('port: 8317\nrouting: [unclosed\n')).toMatch(/config\.yaml:\d+:/);
  });

  it('refuses unknown keys, naming them and their line', () => {
    expect(configError('port: 1\nrate-limits: {}\n')).toContain('rate-limits (line 2): unknown key');
  });
});

describe('credentialsFromConfig', () => {
  it('derives stable ids that never contain the key', () => {
    const { config } = parseConfig('claude-api-key:\n  - api-key: sk-ant-secret-1\n  - api-key: sk-ant-secret-2\n');
    const a = credentialsFromConfig(config).credentials;
    const b = credentialsFromConfig(config).credentials;
    expect(a.map((c) => c.id)).toEqual(b.map((c) => c.id));
    expect(new Set(a.map((c) => c.id)).size).toBe(2);
    for (const c of a) {
      expect(c.provider).toBe('anthropic');
      expect(c.id).not.toContain('secret');
    }
  });

  it('maps openai-compatibility entries to their own provider with base URL and headers', () => {
    const { config } = parseConfig(
      'openai-compatibility:\n  - name: Open Router\n    base-url: https://openrouter.ai/api/v1\n    headers: { X-Title: app }\n    api-key-entries:\n      - api-key: sk-or-1\n        weight: 3\n',
    );
    const { credentials, compatible } = credentialsFromConfig(config);
    expect(compatible).toEqual([
      { provider: 'open-router', name: 'Open Router', baseUrl: 'https://openrouter.ai/api/v1', responses: false },
    ]);
    expect(credentials[0]).toMatchObject({
      provider: 'open-router',
      baseUrl: 'https://openrouter.ai/api/v1',
      weight: 3,
      headers: { 'X-Title': 'app' },
    });
  });

  it('falls back to OPENAI_API_KEY, ANTHROPIC_API_KEY and GEMINI_API_KEY only when the file names no keys', () => {
    const env = { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', GEMINI_API_KEY: 'g' };
    expect(credentialsFromConfig({}, env).credentials.map((c) => c.provider)).toEqual([
      'openai',
      'anthropic',
      'gemini',
    ]);
    const { config } = parseConfig('gemini-api-key:\n  - api-key: AIza1\n');
    expect(credentialsFromConfig(config, env).credentials.map((c) => c.apiKey)).toEqual(['AIza1']);
  });
});

describe('fromConfig', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('serves offline with the mock provider when no config is given at all', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
    const cwd = process.cwd();
    process.chdir(dir);
    const app = await fromConfig(undefined, { env: {} }).finally(() => process.chdir(cwd));
    try {
      expect(app.manager.credentials().map((c) => c.id)).toEqual(['mock-1', 'mock-2']);
      const res = await app.manager.execute({
        dialect: 'openai-chat',
        body: { model: 'anything', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(JSON.parse(decoder.decode(res.body as Uint8Array)).choices[0].message.content).toBe('Mock reply to: hi');
    } finally {
      await app.close();
    }
  });

  it('applies an edit of the file: changed credentials replaced, a broken edit refused while the running config stays', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
    const path = join(dir, 'config.yaml');
    const write = (text: string) => writeFile(path, `auth-dir: ${JSON.stringify(join(dir!, 'auths'))}\n${text}`);
    await write('mock: { credentials: 1 }\napi-keys: [k1]\n');
    const lines: string[] = [];
    const log = (o: Record<string, unknown>, m?: string) => lines.push(`${m ?? ''} ${JSON.stringify(o)}`);
    const app = await fromConfig(path, {
      env: {},
      watch: false,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    try {
      expect(app.manager.credentials().map((c) => c.id)).toEqual(['mock-1']);
      await write('mock: { credentials: 1 }\napi-keys: [k1]\nclaude-api-key:\n  - api-key: sk-ant-new\n');
      await app.reload();
      expect(
        app.manager
          .credentials()
          .map((c) => c.provider)
          .sort(),
      ).toEqual(['anthropic', 'mock']);
      expect(app.config['claude-api-key']).toHaveLength(1);
      await write('routing:\n  strategy: nope\n');
      await app.reload();
      expect(app.config['claude-api-key']).toHaveLength(1);
      expect(lines.some((l) => l.includes('config edit refused') && l.includes('routing.strategy'))).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('fromConfig reload of an empty file', () => {
  it('refuses an empty file (an editor caught mid-write) and keeps the running credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
    const path = join(dir, 'config.yaml');
    await writeFile(path, `auth-dir: ${JSON.stringify(join(dir, 'auths'))}\nclaude-api-key:\n  - api-key: sk-ant-1\n`);
    const app = await fromConfig(path, { env: {}, watch: false });
    try {
      await writeFile(path, '');
      await app.reload();
      expect(app.manager.credentials().map((c) => c.provider)).toEqual(['anthropic']);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
