// The fail-safe rows of the failure table, each against a real fake upstream that misbehaves on
// purpose: only a credential's own fault may cool it down, limits end streams in the caller's dialect,
// and the Manager's lifecycle (close, runtime credentials, status) holds for embedders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anthropicExecutor,
  type Executor,
  FillFirstSelector,
  geminiExecutor,
  type Logger,
  Manager,
  type ManagerOptions,
  mockExecutor,
  openaiExecutor,
} from '../../src/index.js';
import { anthropicError, type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { type FakeGemini, geminiError, startFakeGemini } from '../fakes/fake-gemini.js';
import { type FakeOpenAI, openaiError, startFakeOpenAI } from '../fakes/fake-openai.js';
import { sse } from '../fakes/fake-server.js';
import { rejection, text } from './helpers.js';

const MIN = 60_000;

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Two OpenAI keys on one fake, tried in order, with a logger that records. */
function twoOpenAIKeys(baseUrl: string, options: Partial<ManagerOptions> = {}) {
  const logger = recordingLogger();
  const manager = new Manager({
    executors: [openaiExecutor()],
    selector: new FillFirstSelector(),
    retry: { baseDelayMs: 0 },
    logger,
    credentials: [
      { id: 'a', provider: 'openai', apiKey: 'sk-a-000000', baseUrl },
      { id: 'b', provider: 'openai', apiKey: 'sk-b-000000', baseUrl },
    ],
    ...options,
  });
  return { manager, logger };
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('faults that are not the credential’s never cool it down', () => {
  let openai: FakeOpenAI;
  let claude: FakeAnthropic;
  let gemini: FakeGemini;
  beforeAll(async () => {
    openai = await startFakeOpenAI({ text: 'ok' });
    claude = await startFakeAnthropic({ text: 'ok' });
    gemini = await startFakeGemini({ text: 'ok' });
  });
  afterAll(async () => {
    await openai.close();
    await claude.close();
    await gemini.close();
  });

  const openaiManager = (options: Partial<ManagerOptions> = {}) => twoOpenAIKeys(openai.baseUrl, options);

  it('a body our own serialiser cannot write is an internal error: 500, one attempt, no cooldown, logged once', async () => {
    const { manager, logger } = openaiManager();
    const before = openai.requests.length;
    const body = chat({ metadata_extra: nested(20_000) });
    for (let i = 0; i < 6; i++) {
      const error = await rejection(manager.execute({ dialect: 'openai-chat', body }));
      expect(error.kind).toBe('internal');
      expect(error.status).toBe(500);
    }
    expect(openai.requests.length).toBe(before);
    expect(await manager.cooldowns()).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(6);
    expect(logger.lines.find((l) => l.level === 'error')?.obj.cause).toMatch(/RangeError/);
    // The credentials still serve.
    const ok = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(ok.credentialId).toBe('a');
  });

  it('a custom executor that throws a plain exception is an internal error, not retried on the next credential', async () => {
    const calls: string[] = [];
    const buggy: Executor = {
      provider: 'buggy',
      nativeDialect: () => 'openai-chat',
      execute: async (request) => {
        calls.push(request.credential.id);
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    };
    const manager = new Manager({
      executors: [buggy],
      retry: { baseDelayMs: 0 },
      credentials: [
        { id: 'x', provider: 'buggy' },
        { id: 'y', provider: 'buggy' },
      ],
    });
    const error = await rejection(manager.execute({ dialect: 'openai-chat', body: chat({ model: 'm' }) }));
    expect(error.kind).toBe('internal');
    expect(calls).toEqual(['x']);
    expect(await manager.cooldowns()).toEqual([]);
  });

  it('an OpenAI 404 for the path itself is an endpoint error: short park, warn naming credential and path, 502', async () => {
    const { manager, logger } = openaiManager();
    openai.script(openaiError(404, 'Invalid URL (POST /v1/chat/completions)', 'invalid_request_error'));
    openai.script(openaiError(404, 'Invalid URL (POST /v1/chat/completions)', 'invalid_request_error'));
    const error = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(error.kind).toBe('endpoint_not_found');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/does not serve/);
    const cooldowns = await manager.cooldowns();
    expect(cooldowns.map((c) => c.reason)).toEqual(['endpoint', 'endpoint']);
    for (const c of cooldowns) expect(c.until - Date.now()).toBeLessThanOrEqual(30_000);
    const warns = logger.lines.filter((l) => l.level === 'warn' && l.obj.credentialId === 'a');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.obj.path).toBe('/v1/chat/completions');
    expect(String(warns[0]!.msg)).toMatch(/base URL/);
  });

  it('an HTML 404 page from a proxy is an endpoint error too', async () => {
    const { manager } = openaiManager();
    const page = {
      status: 404,
      headers: { 'content-type': 'text/html' },
      body: '<html><title>404 Not Found</title></html>',
    };
    openai.script(page, page);
    const error = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(error.kind).toBe('endpoint_not_found');
  });

  it('only a model-not-found answer parks the model for long, and the next credential serves', async () => {
    const { manager } = openaiManager();
    openai.script(
      openaiError(
        404,
        'The model `gpt-4o` does not exist or you do not have access to it.',
        'invalid_request_error',
        'model_not_found',
      ),
    );
    const result = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(result.credentialId).toBe('b');
    const [cooldown] = await manager.cooldowns();
    expect(cooldown).toMatchObject({ credentialId: 'a', model: 'gpt-4o', reason: 'not_found' });
    expect(cooldown!.until - Date.now()).toBeGreaterThan(29 * MIN);
  });

  it('Anthropic: not_found_error about a model is model-not-found, a bare Not Found is the endpoint', async () => {
    const manager = new Manager({
      executors: [anthropicExecutor()],
      selector: new FillFirstSelector(),
      retry: { baseDelayMs: 0, attempts: 1 },
      credentials: [{ id: 'c', provider: 'anthropic', apiKey: 'sk-ant-0000', baseUrl: claude.url }],
    });
    const body = { model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    claude.script(anthropicError(404, 'not_found_error', 'model: claude-x'));
    expect((await rejection(manager.execute({ dialect: 'anthropic-messages', body }))).kind).toBe('not_found');
    await manager.state.clearCredential('c');
    claude.script(anthropicError(404, 'not_found_error', 'Not Found'));
    expect((await rejection(manager.execute({ dialect: 'anthropic-messages', body }))).kind).toBe('endpoint_not_found');
  });

  it('Gemini: NOT_FOUND for models/... is model-not-found, a 404 page is the endpoint', async () => {
    const manager = new Manager({
      executors: [geminiExecutor()],
      retry: { baseDelayMs: 0, attempts: 1 },
      credentials: [{ id: 'g', provider: 'gemini', apiKey: 'AIza-0000', baseUrl: gemini.url }],
    });
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    gemini.script(
      geminiError(
        404,
        'NOT_FOUND',
        'models/gemini-x is not found for API version v1beta, or is not supported for generateContent.',
      ),
    );
    const first = await rejection(manager.execute({ dialect: 'gemini', model: 'gemini-x', body }));
    expect(first.kind).toBe('not_found');
    await manager.state.clearCredential('g');
    gemini.script({
      status: 404,
      headers: { 'content-type': 'text/html' },
      body: '<html><title>Error 404 (Not Found)!!1</title></html>',
    });
    expect((await rejection(manager.execute({ dialect: 'gemini', model: 'gemini-x', body }))).kind).toBe(
      'endpoint_not_found',
    );
  });

  it('401 on an API key disables it for a long, capped time, shown in status, lifted by a new secret', async () => {
    const { manager } = openaiManager({ cooldowns: { unauthorizedMs: 10 * MIN } });
    openai.script(
      openaiError(401, 'Incorrect API key provided: sk-a-0000**.', 'invalid_request_error', 'invalid_api_key'),
    );
    const result = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(result.credentialId).toBe('b');
    const status = await manager.status();
    const a = status.credentials.find((c) => c.id === 'a')!;
    expect(a.cooldowns).toHaveLength(1);
    expect(a.cooldowns[0]).toMatchObject({ model: '*', reason: 'unauthorized' });
    expect(Number.isFinite(a.cooldowns[0]!.until)).toBe(true);
    expect(a.cooldowns[0]!.until - Date.now()).toBeLessThanOrEqual(10 * MIN);
    expect(a.cooldowns[0]!.until - Date.now()).toBeGreaterThan(9 * MIN);
    expect(a.lastErrorKind).toBe('unauthorized');
    await manager.updateCredential({ id: 'a', provider: 'openai', apiKey: 'sk-a-rotated', baseUrl: openai.baseUrl });
    const after = (await manager.status()).credentials.find((c) => c.id === 'a')!;
    expect(after.cooldowns).toEqual([]);
  });

  it('the caller always sees a capped retry-after, even from the first 429', async () => {
    const { manager } = openaiManager({ retry: { attempts: 1 }, cooldowns: { maxCooldownMs: 30 * MIN } });
    openai.script(
      openaiError(429, 'Rate limit reached', 'requests', 'rate_limit_exceeded', { 'retry-after': '864000' }),
    );
    const error = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(30 * MIN);
  });
});

describe('streams have limits', () => {
  let openai: FakeOpenAI;
  beforeAll(async () => {
    openai = await startFakeOpenAI({ text: 'streamed words here' });
  });
  afterAll(() => openai.close());

  const chunk = (content: string) =>
    sse({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
    });
  const sseHeaders = { 'content-type': 'text/event-stream' };

  const streamManager = (options: Partial<ManagerOptions> = {}) => twoOpenAIKeys(openai.baseUrl, options);

  it('an event over the size limit ends the stream with an error event in the caller’s dialect and a log line', async () => {
    const { manager, logger } = streamManager({ maxEventBytes: 64 * 1024 });
    openai.script({
      headers: sseHeaders,
      chunks: [chunk('first '), `data: {"choices":[{"index":0,"delta":{"content":"`],
      repeat: { chunk: 'x'.repeat(4096), bytes: 2 * 1024 * 1024 },
    });
    const result = await manager.execute({
      dialect: 'anthropic-messages',
      body: { model: 'gpt-4o', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] },
    });
    const out = await text(result.body);
    expect(out.length).toBeLessThan(100_000);
    expect(out).toContain('event: error');
    expect(out).toMatch(/larger than 65536 bytes/);
    expect(logger.lines.some((l) => l.level === 'warn' && /larger than/.test(String(l.msg ?? l.obj.error)))).toBe(true);
  });

  it('an oversized first event fails over to the next credential', async () => {
    const { manager } = streamManager({ maxEventBytes: 64 * 1024 });
    openai.script({
      headers: sseHeaders,
      chunks: ['data: {"x":"'],
      repeat: { chunk: 'y'.repeat(4096), bytes: 1024 * 1024 },
    });
    const result = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    expect(result.credentialId).toBe('b');
    expect(await text(result.body)).toContain('[DONE]');
  });

  it('a stream that trickles comments but no events is cut at the idle timeout with an error event', async () => {
    const { manager } = streamManager({ timeouts: { idleMs: 300 } });
    openai.script({
      headers: sseHeaders,
      chunks: [chunk('hello'), ...Array.from({ length: 40 }, () => ': keep-alive\n\n')],
      chunkDelayMs: 50,
    });
    const result = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    const started = Date.now();
    const out = await text(result.body);
    expect(Date.now() - started).toBeLessThan(1_800);
    expect(out).toContain('hello');
    expect(out).toMatch(/no stream event within 300 ms/i);
  });

  it('slow response headers count against the first-byte timeout and fail over', async () => {
    const { manager } = streamManager({ timeouts: { firstByteMs: 200 } });
    openai.script({ delayHeadersMs: 2_000 });
    const result = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    expect(result.credentialId).toBe('b');
    expect(await text(result.body)).toContain('[DONE]');
  });

  it('a total duration ends a long stream with an error event and is never retried', async () => {
    const { manager } = streamManager({ timeouts: { totalMs: 400 } });
    openai.script({
      headers: sseHeaders,
      chunks: Array.from({ length: 30 }, (_, i) => chunk(`w${i} `)),
      chunkDelayMs: 50,
    });
    const result = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    const out = await text(result.body);
    expect(out).toContain('w0');
    expect(out).not.toContain('w29');
    expect(out).toMatch(/400 ms/);
  });
});

describe('the Manager’s lifecycle', () => {
  it('close() refuses new work with `closed`, lets a stream in flight finish within the grace period', async () => {
    const manager = new Manager({
      executors: [mockExecutor({ behaviours: { m1: { chunkDelayMs: 20 } } })],
      credentials: [{ id: 'm1', provider: 'mock' }],
    });
    const body = {
      model: 'mock-model',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five' }],
    };
    const result = await manager.execute({ dialect: 'openai-chat', body });
    const closing = manager.close({ graceMs: 5_000 });
    const refused = await rejection(manager.execute({ dialect: 'openai-chat', body }));
    expect(refused.kind).toBe('closed');
    expect(refused.status).toBe(503);
    const out = await text(result.body);
    expect(out).toContain('[DONE]');
    await closing;
  });

  it('close() aborts what is still running when the grace period ends', async () => {
    const manager = new Manager({
      executors: [mockExecutor({ behaviours: { m1: { chunkDelayMs: 200 } } })],
      credentials: [{ id: 'm1', provider: 'mock' }],
    });
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    const body = { model: 'mock-model', stream: true, messages: [{ role: 'user', content: words }] };
    const result = await manager.execute({ dialect: 'openai-chat', body });
    const reading = text(result.body);
    const started = Date.now();
    await manager.close({ graceMs: 100 });
    expect(Date.now() - started).toBeLessThan(2_000);
    const out = await reading;
    expect(out).not.toContain('w49');
  });

  it('credentials added, updated and removed at runtime are routed at once, through the store', async () => {
    const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'm1', provider: 'mock' }] });
    await manager.start();
    await manager.addCredential({ id: 'm2', provider: 'mock', label: 'second', priority: 5 });
    expect((await manager.store.get('m2'))?.label).toBe('second');
    const body = { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] };
    expect((await manager.execute({ dialect: 'openai-chat', body })).credentialId).toBe('m2');
    await manager.updateCredential({ id: 'm2', provider: 'mock', disabled: true });
    expect((await manager.execute({ dialect: 'openai-chat', body })).credentialId).toBe('m1');
    await manager.removeCredential('m2');
    expect(await manager.store.get('m2')).toBeUndefined();
    expect(manager.credentials().map((c) => c.id)).toEqual(['m1']);
    await expect(manager.addCredential({ id: 'm1', provider: 'mock' })).rejects.toMatchObject({ kind: 'conflict' });
    await expect(manager.updateCredential({ id: 'nope', provider: 'mock' })).rejects.toMatchObject({
      kind: 'invalid_request',
    });
  });

  it('refuses a credential whose apiKey was given as undefined (an unset environment variable)', async () => {
    const unset: Record<string, string | undefined> = {};
    expect(
      () =>
        new Manager({ executors: [mockExecutor()], credentials: [{ id: 'k1', provider: 'openai', apiKey: unset.X }] }),
    ).toThrow(
      expect.objectContaining({ kind: 'config', message: expect.stringMatching(/'k1' has apiKey: undefined/) }),
    );
    const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'm1', provider: 'mock' }] });
    await expect(manager.addCredential({ id: 'k2', provider: 'openai', apiKey: unset.X })).rejects.toMatchObject({
      kind: 'invalid_request',
      credentialId: 'k2',
    });
    await expect(manager.updateCredential({ id: 'm1', provider: 'mock', apiKey: unset.X })).rejects.toMatchObject({
      kind: 'invalid_request',
    });
    expect(await manager.store.get('k2')).toBeUndefined();
    // Leaving the key out, or an OAuth token standing in for it, is fine.
    await manager.addCredential({ id: 'k3', provider: 'mock' });
    await manager.addCredential({ id: 'k4', provider: 'mock', apiKey: unset.X, oauth: { accessToken: 'at-1' } });
    expect(manager.credentials().map((c) => c.id)).toEqual(['m1', 'k3', 'k4']);
  });

  it('status() shows in-flight counts, cooldowns with reason and until, disabled, and the latest quota', async () => {
    const manager = new Manager({
      executors: [mockExecutor({ behaviours: { m1: { chunkDelayMs: 30 } } })],
      credentials: [
        { id: 'm1', provider: 'mock', label: 'first' },
        { id: 'm2', provider: 'mock', disabled: true },
      ],
    });
    const body = { model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'a b c' }] };
    const result = await manager.execute({ dialect: 'openai-chat', body });
    await manager.state.setCooldown({
      credentialId: 'm1',
      model: 'other',
      until: Date.now() + 60_000,
      reason: 'rate_limited',
      strikes: 1,
    });
    const status = await manager.status();
    const m1 = status.credentials.find((c) => c.id === 'm1')!;
    expect(m1).toMatchObject({
      id: 'm1',
      label: 'first',
      provider: 'mock',
      inFlight: 1,
      disabled: false,
      circuit: 'closed',
    });
    expect(m1.cooldowns).toEqual([{ model: 'other', reason: 'rate_limited', until: expect.any(Number) }]);
    expect(status.credentials.find((c) => c.id === 'm2')).toMatchObject({ disabled: true, inFlight: 0 });
    expect(JSON.stringify(status)).not.toMatch(/apiKey/);
    await text(result.body);
    expect((await manager.status()).credentials.find((c) => c.id === 'm1')!.inFlight).toBe(0);
  });

  it('an error thrown inside a custom executor’s stream is logged with its cause', async () => {
    const logger = recordingLogger();
    const streaming: Executor = {
      provider: 'custom',
      nativeDialect: () => 'openai-chat',
      execute: async () => ({
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: (async function* () {
          yield new TextEncoder().encode(
            sse({
              id: 'c',
              object: 'chat.completion.chunk',
              created: 1,
              model: 'm',
              choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
            }),
          );
          throw new Error('socket exploded in custom code');
        })(),
      }),
    };
    const manager = new Manager({ executors: [streaming], logger, credentials: [{ id: 'c1', provider: 'custom' }] });
    const result = await manager.execute({ dialect: 'openai-chat', body: chat({ model: 'm', stream: true }) });
    const out = await text(result.body);
    expect(out).toContain('hi');
    const line = logger.lines.find((l) => l.level === 'error' && /socket exploded/.test(String(l.obj.cause)));
    expect(line?.obj.credentialId).toBe('c1');
  });
});
