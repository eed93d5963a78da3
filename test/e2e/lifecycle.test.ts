import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clients } from './clients.js';
import { CLI, runCli, startGateway, stopAllGateways, waitUntil } from './gateway.js';
import { MODELS, providerConfig, startUpstreams, type Upstreams } from './upstreams.js';

const KEY_A = 'sk-e2e-key-a';
const KEY_B = 'sk-e2e-key-b';

let up: Upstreams;

beforeAll(async () => {
  up = await startUpstreams();
});

afterAll(async () => {
  await stopAllGateways();
  await up?.close();
});

describe('switchyard --help', () => {
  it('lists the commands', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('switchyard serve');
    expect(stdout).toContain('--help');
  });

  it('serve --help lists every option of serve', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    expect(code).toBe(0);
    for (const option of [
      '-c, --config',
      '--host',
      '-p, --port',
      '--allow-unauthenticated',
      '--grace',
      '--log-level',
      '--log-format',
      '-h, --help',
    ]) {
      expect(stdout).toContain(option);
    }
  });

  it('refuses an unknown option with exit code 2', async () => {
    const { code, stderr } = await runCli(['serve', '--no-such-option']);
    expect(code).toBe(2);
    expect(stderr).toContain('--no-such-option');
  });

  it('refuses an invalid config with exit code 1, naming the bad key', async () => {
    const gateway = startGateway({ routing: { strategy: 'dice-roll' } });
    await expect(gateway).rejects.toThrow(/exited with 1[\s\S]*routing\.strategy/);
  });
});

/** Writes a config into a fresh directory (with its own auth-dir) and returns its path. */
function configFile(text: string): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, `auth-dir: ${JSON.stringify(join(dir, 'auths'))}\n${text}`);
  return { path, dir };
}

describe('switchyard serve: fails closed', () => {
  it('refuses a non-loopback address without client keys (exit 2), saying how to allow it', async () => {
    const { path, dir } = configFile('mock: true\n');
    try {
      const { code, stderr } = await runCli(['serve', '--config', path, '--host', '0.0.0.0', '--port', '0']);
      expect(code).toBe(2);
      expect(stderr).toContain('refusing to listen on 0.0.0.0 without client keys');
      expect(stderr).toContain('--allow-unauthenticated');
      expect(stderr).toContain('allow-unauthenticated: true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binds a non-loopback address when allowed explicitly, and the banner says nothing is checked', async () => {
    const gateway = await startGateway({ mock: true }, ['--host', '0.0.0.0', '--allow-unauthenticated']);
    expect(gateway.stdout()).toContain('auth:        NONE');
    await gateway.stop();
    const fromYaml = await startGateway({ mock: true, 'allow-unauthenticated': true }, ['--host', '0.0.0.0']);
    expect(fromYaml.stdout()).toContain('auth:        NONE');
    await fromYaml.stop();
  });

  it('says in the banner what auth is in force', async () => {
    const keyed = await startGateway({ mock: true, 'api-keys': [KEY_A, KEY_B] });
    expect(keyed.stdout()).toContain('auth:        client keys required (2 configured)');
    await keyed.stop();
    const loopback = await startGateway({ mock: true });
    expect(loopback.stdout()).toContain('auth:        no client keys: loopback clients only');
    await loopback.stop();
  });

  it('refuses a config file that declares no credentials and no mock (exit 1), saying how to fix it', async () => {
    await expect(startGateway({ 'api-keys': [KEY_A] })).rejects.toThrow(
      /exited with 1[\s\S]*no usable credentials[\s\S]*mock: true/,
    );
  });

  it('refuses a misspelt section instead of serving mock replies', async () => {
    await expect(startGateway({ 'claude-api-keys': [{ 'api-key': 'sk-ant-x' }] })).rejects.toThrow(
      /did you mean 'claude-api-key'\?/,
    );
  });

  it('serves the mock provider with no config at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
    const env = { ...process.env };
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'PGSTORE_DSN', 'REDIS_URL'])
      delete env[name];
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      await waitUntil(() => out.includes('switchyard listening on'), 10_000);
      expect(out).toMatch(/credentials: mock-1 \(mock\), mock-2 \(mock\)/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('switchyard serve: --log-format', () => {
  it('writes readable lines by default and pino-compatible JSON with --log-format json', async () => {
    // The line is read before the process is gone: stderr data may arrive after the exit event.
    const stopped = async (g: Awaited<ReturnType<typeof startGateway>>) => {
      g.child.kill('SIGTERM');
      await waitUntil(() => g.stderr().includes('stopping'));
      await g.stop();
    };
    const text = await startGateway({ mock: true, 'api-keys': [KEY_A] });
    await stopped(text);
    const textLine = text
      .stderr()
      .split('\n')
      .find((l) => l.includes('stopping'))!;
    expect(textLine).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z INFO {2}stopping: .* signal=SIGTERM/);

    const json = await startGateway({ mock: true, 'api-keys': [KEY_A] }, ['--log-format', 'json']);
    await stopped(json);
    const jsonLine = json
      .stderr()
      .split('\n')
      .find((l) => l.includes('stopping'))!;
    expect(JSON.parse(jsonLine)).toMatchObject({
      level: 30,
      time: expect.any(Number),
      msg: expect.stringContaining('stopping'),
      signal: 'SIGTERM',
    });
  });

  it('refuses an unknown log format with exit code 2', async () => {
    const { code, stderr } = await runCli(['serve', '--log-format', 'xml']);
    expect(code).toBe(2);
    expect(stderr).toContain('--log-format must be text or json');
  });
});

describe('switchyard serve: config reload', () => {
  it('applies a new client key and a new credential with no failed request meanwhile', async () => {
    const initial = { 'api-keys': [KEY_A], ...providerConfig(up, ['anthropic']) };
    const gateway = await startGateway(initial);
    const a = new Clients(gateway.url, KEY_A);
    const b = new Clients(gateway.url, KEY_B);
    const ask = (clients: Clients, model: string) =>
      clients.call('openai-chat', { model, prompt: 'reload?', stream: false, withTools: false });

    await expect(ask(b, MODELS.anthropic.requested)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(ask(a, MODELS.gemini.requested)).rejects.toBeInstanceOf(OpenAI.APIError);

    // Four workers keep key A busy, half of them streaming, while the file is rewritten several times.
    let running = true;
    let ok = 0;
    const failures: unknown[] = [];
    const worker = async (stream: boolean) => {
      while (running) {
        try {
          const out = await a.call('openai-chat', {
            model: MODELS.anthropic.requested,
            prompt: 'busy',
            stream,
            withTools: false,
          });
          if (out.finish !== 'stop') failures.push(new Error(`finish ${out.finish}`));
          else ok++;
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const workers = [worker(false), worker(true), worker(false), worker(true)];
    try {
      await waitUntil(() => ok >= 10);
      const next = { 'api-keys': [KEY_A, KEY_B], ...providerConfig(up, ['anthropic', 'gemini']) };
      for (let i = 0; i < 5; i++) {
        gateway.writeConfig({ ...next, 'request-retry': i });
        await new Promise((r) => setTimeout(r, 60));
      }
      await waitUntil(
        () =>
          ask(b, MODELS.gemini.requested).then(
            (out) => out.text === 'Hello from fake Gemini',
            () => false,
          ),
        5_000,
      );
      const before = ok;
      await waitUntil(() => ok >= before + 10);
    } finally {
      running = false;
      await Promise.all(workers);
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    expect(gateway.stderr()).toContain('config reloaded');

    // A broken edit is refused and the running config stays.
    gateway.writeConfig({ 'api-keys': 'not-a-list' });
    await waitUntil(() => gateway.stderr().includes('config edit refused'));
    expect((await ask(b, MODELS.gemini.requested)).text).toBe('Hello from fake Gemini');
    await gateway.stop();
  });
});

describe('switchyard serve: SIGTERM', () => {
  it('lets an in-flight stream finish, refuses new connections, then exits 0', async () => {
    const gateway = await startGateway({ 'api-keys': [KEY_A], ...providerConfig(up, ['anthropic']) });
    const text = 'one two three four five six seven eight';
    up.anthropic.reply = { text };
    up.anthropic.script({ chunkDelayMs: 120 });
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODELS.anthropic.requested,
        stream: true,
        messages: [{ role: 'user', content: 'slowly' }],
      }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let sse = decoder.decode((await reader.read()).value, { stream: true });

    gateway.child.kill('SIGTERM');
    await waitUntil(() => gateway.stderr().includes('stopping'));
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sse += decoder.decode(value, { stream: true });
    }
    let streamed = '';
    for (const line of sse.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const chunk = JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> };
      streamed += chunk.choices?.[0]?.delta?.content ?? '';
    }
    expect(streamed).toBe(text);
    expect(sse.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const streamEnded = Date.now();
    const code = await Promise.race([
      gateway.exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 5_000)),
    ]);
    expect(code).toBe(0);
    // Connections that went idle after the signal must not hold the exit until their keep-alive timeout.
    expect(Date.now() - streamEnded).toBeLessThan(1_000);
    up.anthropic.reply = { text: 'Hello from fake Claude' };
  });
});
