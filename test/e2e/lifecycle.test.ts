import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clients } from './clients.js';
import { runCli, startGateway, stopAllGateways, waitUntil } from './gateway.js';
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
    for (const option of ['-c, --config', '--host', '-p, --port', '--grace', '--log-level', '-h, --help']) {
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
