import { describe, expect, it, vi } from 'vitest';
import type { CoreRequest } from '../../src/http/index.js';
import { chatBody, geminiBody, json, KEY, messagesBody, request, setup, text } from './helpers.js';

type Body = Record<string, unknown>;

const isOpenAIError = (b: Body) => {
  const error = b.error as Body;
  expect(typeof error.message).toBe('string');
  expect(typeof error.type).toBe('string');
  expect(error).toHaveProperty('param');
  expect(error).toHaveProperty('code');
};
const isAnthropicError = (b: Body) => {
  expect(b.type).toBe('error');
  const error = b.error as Body;
  expect(typeof error.type).toBe('string');
  expect(typeof error.message).toBe('string');
  expect(String(b.request_id)).toMatch(/^req_/);
};
const isGeminiError = (status: number) => (b: Body) => {
  const error = b.error as Body;
  expect(error.code).toBe(status);
  expect(typeof error.message).toBe('string');
  expect(typeof error.status).toBe('string');
};

const DIALECTS = [
  { name: 'openai-chat', path: '/v1/chat/completions', body: chatBody(), check: () => isOpenAIError },
  {
    name: 'openai-responses',
    path: '/v1/responses',
    body: { model: 'mock-model', input: 'hi' },
    check: () => isOpenAIError,
  },
  { name: 'anthropic-messages', path: '/v1/messages', body: messagesBody(), check: () => isAnthropicError },
  {
    name: 'gemini',
    path: '/v1beta/models/mock-model:generateContent',
    body: geminiBody(),
    check: (status: number) => isGeminiError(status),
  },
] as const;

describe('createHandler: routes', () => {
  it('serves /healthz without a key', async () => {
    const { handler } = setup();
    const res = await handler(request({ method: 'GET', path: '/healthz', headers: {} }));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });

  it.each(DIALECTS)('answers a $name request through the Manager', async ({ path, body }) => {
    const { handler, mock } = setup();
    const res = await handler(request({ path, json: body }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    expect(await text(res)).toContain('Mock reply to: hi');
    expect(mock.calls).toHaveLength(1);
  });

  it('streams a chat completion as SSE', async () => {
    const { handler } = setup();
    const res = await handler(request({ json: chatBody({ stream: true }) }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.body).not.toBeInstanceOf(Uint8Array);
    const out = await text(res);
    expect(out).toContain('Mock ');
    expect(out.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('streams Gemini with alt=sse, model and stream taken from the route', async () => {
    const { handler, mock } = setup();
    const res = await handler(
      request({
        path: '/v1beta/models/mock-model:streamGenerateContent',
        query: new URLSearchParams('alt=sse'),
        json: geminiBody(),
      }),
    );
    expect(res.status).toBe(200);
    expect(await text(res)).toContain('data: ');
    expect(mock.calls[0]).toMatchObject({ model: 'mock-model', stream: true, dialect: 'gemini' });
  });

  it('refuses Gemini streaming without alt=sse', async () => {
    const { handler } = setup();
    const res = await handler(request({ path: '/v1beta/models/mock-model:streamGenerateContent', json: geminiBody() }));
    expect(res.status).toBe(400);
    isGeminiError(400)(await json(res));
  });

  it('counts tokens on the Anthropic and Gemini routes', async () => {
    const { handler, mock } = setup();
    const anthropic = await handler(
      request({
        path: '/v1/messages/count_tokens',
        json: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
      }),
    );
    expect(anthropic.status).toBe(200);
    expect(await json(anthropic)).toHaveProperty('input_tokens');
    const gemini = await handler(request({ path: '/v1beta/models/mock-model:countTokens', json: geminiBody() }));
    expect(gemini.status).toBe(200);
    expect(Object.keys(await json(gemini))).toEqual(['totalTokens']);
    expect(mock.calls.map((c) => c.dialect)).toEqual(['anthropic-messages', 'gemini']);
  });

  it('mounts under basePath', async () => {
    const { handler } = setup({ handler: { apiKeys: [KEY], basePath: '/llm/' } });
    expect(handler.handles('/llm/v1/chat/completions')).toBe(true);
    expect(handler.handles('/v1/chat/completions')).toBe(false);
    expect((await handler(request({ path: '/llm/v1/chat/completions', json: chatBody() }))).status).toBe(200);
    expect((await handler(request({ path: '/v1/chat/completions', json: chatBody() }))).status).toBe(404);
  });
});

describe('createHandler: model lists', () => {
  it('lists models in the OpenAI shape', async () => {
    const { handler } = setup();
    const body = await json(await handler(request({ method: 'GET', path: '/v1/models' })));
    expect(body.object).toBe('list');
    expect(body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'mock-model', object: 'model', owned_by: 'mock' })]),
    );
    expect((body.data as Body[])[0]!.created).toEqual(expect.any(Number));
  });

  it('lists models in the Anthropic shape when the caller sends anthropic-version', async () => {
    const { handler } = setup();
    const res = await handler(
      request({ method: 'GET', path: '/v1/models', headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } }),
    );
    const body = await json(res);
    expect(body).toMatchObject({ has_more: false, first_id: 'mock-model', last_id: 'other-model' });
    expect((body.data as Body[])[0]).toMatchObject({ type: 'model', id: 'mock-model', display_name: 'mock-model' });
    expect(Date.parse(String((body.data as Body[])[0]!.created_at))).not.toBeNaN();
  });

  it('lists models in the Gemini shape, filtered by the key policy', async () => {
    const { handler } = setup({ handler: { keys: [{ key: KEY, models: ['mock-*'] }] } });
    const body = await json(
      await handler(request({ method: 'GET', path: '/v1beta/models', headers: { 'x-goog-api-key': KEY } })),
    );
    expect(body).toEqual({
      models: [
        {
          name: 'models/mock-model',
          displayName: 'mock-model',
          supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
        },
      ],
    });
  });

  it('gets one model, and 404s an unknown one', async () => {
    const { handler } = setup();
    const one = await handler(request({ method: 'GET', path: '/v1/models/mock-model' }));
    expect(await json(one)).toMatchObject({ id: 'mock-model', object: 'model' });
    const missing = await handler(
      request({ method: 'GET', path: '/v1beta/models/nope', headers: { 'x-goog-api-key': KEY } }),
    );
    expect(missing.status).toBe(404);
    isGeminiError(404)(await json(missing));
  });
});

describe('createHandler: client access', () => {
  it.each(DIALECTS)('answers a wrong key with 401 in the $name dialect', async ({ path, body, check }) => {
    const { handler, mock } = setup();
    const res = await handler(request({ path, json: body, headers: { authorization: 'Bearer nope' } }));
    expect(res.status).toBe(401);
    check(401)(await json(res));
    expect(mock.calls).toHaveLength(0);
  });

  it('answers a missing key with 401', async () => {
    const { handler } = setup();
    const res = await handler(request({ json: chatBody(), headers: {} }));
    expect(res.status).toBe(401);
    expect(((await json(res)).error as Body).message).toMatch(/Missing API key/);
  });

  const ways: Array<[string, Partial<CoreRequest>]> = [
    ['Authorization: Bearer', { headers: { authorization: `Bearer ${KEY}` } }],
    ['x-api-key', { headers: { 'x-api-key': KEY } }],
    ['x-goog-api-key', { headers: { 'x-goog-api-key': KEY } }],
    ['?key=', { headers: {}, query: new URLSearchParams({ key: KEY }) }],
  ];
  it.each(ways)('accepts the key as %s', async (_, extra) => {
    const { handler } = setup();
    const res = await handler(request({ json: chatBody(), ...extra }));
    expect(res.status).toBe(200);
  });

  it('uses authenticate() and passes its principal to the Manager', async () => {
    const { handler, manager } = setup({
      handler: { authenticate: (req) => (req.headers['x-tenant'] === 't1' ? { principal: 'tenant-1' } : null) },
    });
    const execute = vi.spyOn(manager, 'execute');
    const ok = await handler(request({ json: chatBody(), headers: { 'x-tenant': 't1' } }));
    expect(ok.status).toBe(200);
    expect(execute.mock.calls[0]![0].principal).toBe('tenant-1');
    const refused = await handler(request({ json: chatBody(), headers: { 'x-tenant': 't2' } }));
    expect(refused.status).toBe(401);
    expect(execute).toHaveBeenCalledOnce();
  });

  it('gives a key its principal', async () => {
    const { handler, manager } = setup({ handler: { keys: [{ key: KEY, principal: 'alice' }] } });
    const execute = vi.spyOn(manager, 'execute');
    await handler(request({ json: chatBody() }));
    expect(execute.mock.calls[0]![0].principal).toBe('alice');
  });

  it('refuses non-loopback clients when no key is configured', async () => {
    const { handler } = setup({ handler: { allowUnauthenticated: 'loopback' } });
    const remote = await handler(request({ json: messagesBody(), path: '/v1/messages', remoteAddress: '10.1.2.3' }));
    expect(remote.status).toBe(403);
    const body = await json(remote);
    isAnthropicError(body);
    expect((body.error as Body).message).toMatch(/allowUnauthenticated/);
    const unknown = await handler(request({ json: chatBody(), remoteAddress: undefined }));
    expect(unknown.status).toBe(403);
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect((await handler(request({ json: chatBody(), remoteAddress: address }))).status).toBe(200);
    }
  });

  it('serves everyone with allowUnauthenticated', async () => {
    const { handler } = setup({ handler: { allowUnauthenticated: true } });
    expect((await handler(request({ json: chatBody(), remoteAddress: '10.1.2.3', headers: {} }))).status).toBe(200);
  });

  it('refuses a model outside the key policy', async () => {
    const { handler, mock } = setup({ handler: { keys: [{ key: KEY, models: ['other-*'] }] } });
    const res = await handler(request({ json: chatBody() }));
    expect(res.status).toBe(403);
    expect(((await json(res)).error as Body).param).toBe('model');
    expect(mock.calls).toHaveLength(0);
  });

  it('never forwards the caller credentials upstream, but passes safe headers', async () => {
    const { handler, mock } = setup();
    await handler(
      request({
        path: '/v1/messages',
        json: messagesBody(),
        headers: {
          'x-api-key': KEY,
          authorization: `Bearer ${KEY}`,
          cookie: 'sid=1',
          'anthropic-version': '2023-06-01',
          'anthropic-beta': 'tools-2024',
          'x-session-id': 's-1',
        },
      }),
    );
    const headers = mock.calls[0]!.headers;
    expect(headers).toMatchObject({ 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024' });
    expect(JSON.stringify(headers)).not.toContain(KEY);
    expect(headers).not.toHaveProperty('cookie');
  });
});

describe('createHandler: bad input', () => {
  it.each(DIALECTS)('answers an unknown route with 404 ($name family)', async ({ path, check }) => {
    const { handler } = setup();
    const unknown = path.startsWith('/v1beta') ? '/v1beta/nothing' : path.replace(/[a-z_]+$/, 'nothing');
    const headers = path === '/v1/messages' ? { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } : undefined;
    const res = await handler(request({ path: unknown, json: {}, ...(headers ? { headers } : {}) }));
    expect(res.status).toBe(404);
    check(404)(await json(res));
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const { handler } = setup();
    const get = await handler(request({ method: 'GET', path: '/v1/messages' }));
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    isAnthropicError(await json(get));
    const post = await handler(request({ method: 'POST', path: '/v1/models', json: {} }));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const gemini = await handler(request({ method: 'GET', path: '/v1beta/models/x:generateContent' }));
    expect(gemini.status).toBe(405);
    isGeminiError(405)(await json(gemini));
  });

  it.each(DIALECTS)('answers a body over the limit with 413 ($name)', async ({ path, body, check }) => {
    const { handler, mock } = setup({ handler: { apiKeys: [KEY], maxBodyBytes: 64 } });
    const big = { ...body, padding: 'x'.repeat(200) };
    const res = await handler(request({ path, json: big }));
    expect(res.status).toBe(413);
    check(413)(await json(res));
    expect(mock.calls).toHaveLength(0);
  });

  it('stops reading a streamed body at the limit and releases it', async () => {
    const { handler } = setup({ handler: { apiKeys: [KEY], maxBodyBytes: 1000 } });
    let returned = false;
    let produced = 0;
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          produced += 1;
          return { value: new Uint8Array(400), done: false };
        },
        return: async () => {
          returned = true;
          return { value: undefined, done: true };
        },
      }),
    };
    const res = await handler(request({ body }));
    expect(res.status).toBe(413);
    expect(returned).toBe(true);
    expect(produced).toBe(3);
  });

  it('refuses a declared content-length over the limit before reading', async () => {
    const { handler } = setup({ handler: { apiKeys: [KEY], maxBodyBytes: 10 } });
    const res = await handler(
      request({ json: chatBody(), headers: { authorization: `Bearer ${KEY}`, 'content-length': '999999' } }),
    );
    expect(res.status).toBe(413);
  });

  it.each(DIALECTS)('answers malformed JSON with 400 ($name)', async ({ path, check }) => {
    const { handler } = setup();
    const res = await handler(request({ path, body: new TextEncoder().encode('{"model": ') }));
    expect(res.status).toBe(400);
    const body = await json(res);
    check(400)(body);
    expect(JSON.stringify(body)).toMatch(/not valid JSON/);
  });

  it('answers a missing body with 400', async () => {
    const { handler } = setup();
    expect((await handler(request({ body: null }))).status).toBe(400);
    expect((await handler(request({ body: new Uint8Array(0) }))).status).toBe(400);
  });

  it('accepts a body a framework already parsed, and text', async () => {
    const { handler } = setup();
    expect((await handler(request({ body: chatBody() }))).status).toBe(200);
    expect((await handler(request({ body: JSON.stringify(chatBody()) }))).status).toBe(200);
    expect((await handler(request({ body: [1, 2] }))).status).toBe(400);
  });

  const missing: Array<[string, string, Body, string]> = [
    ['openai-chat', '/v1/chat/completions', { model: 'mock-model' }, 'messages'],
    ['openai-chat', '/v1/chat/completions', { messages: [] }, 'model'],
    ['openai-responses', '/v1/responses', { input: 'hi' }, 'model'],
    ['anthropic-messages', '/v1/messages', { model: 'mock-model', messages: [] }, 'max_tokens'],
    ['anthropic-messages', '/v1/messages', { model: 'mock-model', max_tokens: '5', messages: [] }, 'max_tokens'],
    ['gemini', '/v1beta/models/mock-model:generateContent', { contents: 'hi' }, 'contents'],
  ];
  it.each(missing)(
    'answers a %s body without a valid field with 400 naming it (%s)',
    async (dialect, path, body, field) => {
      const { handler } = setup();
      const res = await handler(request({ path, json: body }));
      expect(res.status).toBe(400);
      const out = await json(res);
      expect(JSON.stringify(out)).toContain(`'${field}'`);
      if (dialect.startsWith('openai')) expect((out.error as Body).param).toBe(field);
    },
  );
});

describe('createHandler: limits and upstream failures', () => {
  it.each(DIALECTS)(
    'answers 429 with Retry-After when every credential cools down ($name)',
    async ({ path, body, check }) => {
      const behaviour = { statuses: [429, 429], retryAfter: '7' };
      const { handler, mock } = setup({ behaviours: { a: behaviour, b: behaviour } });
      const res = await handler(request({ path, json: body }));
      expect(res.status).toBe(429);
      const seconds = Number(res.headers['retry-after']);
      expect(seconds).toBeGreaterThanOrEqual(6);
      expect(seconds).toBeLessThanOrEqual(7);
      check(429)(await json(res));
      expect(mock.calls).toHaveLength(2);
    },
  );

  it('renders an upstream 400 in the caller dialect', async () => {
    const { handler } = setup({ behaviours: { a: { statuses: [400] }, b: { statuses: [400] } } });
    const res = await handler(request({ path: '/v1/messages', json: messagesBody() }));
    expect(res.status).toBe(400);
    const body = await json(res);
    isAnthropicError(body);
    expect((body.error as Body).message).toContain('Mock upstream answered 400');
  });

  it('hides an upstream 401 about switchyard credentials behind a 502', async () => {
    const { handler } = setup({ behaviours: { a: { statuses: [401] }, b: { statuses: [401] } } });
    const res = await handler(request({ json: chatBody() }));
    expect(res.status).toBe(502);
    isOpenAIError(await json(res));
  });

  it('answers 404 for a model no credential serves', async () => {
    const { handler } = setup();
    const res = await handler(request({ json: chatBody({ model: 'nope' }) }));
    expect(res.status).toBe(404);
  });

  it('enforces requests per minute with 429 and Retry-After', async () => {
    let now = 1_000_000;
    const { handler, mock } = setup({ handler: { keys: [{ key: KEY, rpm: 2 }], now: () => now } });
    expect((await handler(request({ json: chatBody() }))).status).toBe(200);
    now += 10_000;
    expect((await handler(request({ json: chatBody() }))).status).toBe(200);
    const third = await handler(request({ path: '/v1/messages', json: messagesBody() }));
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('50');
    isAnthropicError(await json(third));
    expect(mock.calls).toHaveLength(2);
    now += 50_000;
    expect((await handler(request({ json: chatBody() }))).status).toBe(200);
  });

  it('enforces tokens per minute, prompt estimate plus output tokens', async () => {
    // The chat body is ~70 bytes (~18 tokens); the reply adds 4 output tokens: 22 > 20 after the first request.
    const { handler } = setup({ handler: { keys: [{ key: KEY, tpm: 20 }] } });
    expect((await handler(request({ json: chatBody() }))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 10));
    const second = await handler(request({ json: chatBody() }));
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('enforces a token budget counted from the usage of streamed answers too', async () => {
    const { handler } = setup({ handler: { keys: [{ key: KEY, budget: { tokens: 20, periodMs: 60_000 } }] } });
    const first = await handler(request({ json: chatBody({ stream: true }) }));
    expect(first.status).toBe(200);
    // Nothing is charged until the stream has been read to its end.
    for await (const _ of first.body as AsyncIterable<Uint8Array>) {
      // drain
    }
    await new Promise((r) => setTimeout(r, 10));
    const second = await handler(request({ json: chatBody() }));
    expect(second.status).toBe(429);
    const body = JSON.parse(await text(second));
    expect(JSON.stringify(body)).toContain('budget');
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers a handler exception with a 500 in the caller dialect, without its message', async () => {
    const onError = vi.fn();
    const { handler } = setup({
      handler: {
        authenticate: () => {
          throw new Error('db password hunter2 leaked');
        },
        onError,
      },
    });
    const res = await handler(request({ path: '/v1beta/models/mock-model:generateContent', json: geminiBody() }));
    expect(res.status).toBe(500);
    const out = await text(res);
    isGeminiError(500)(JSON.parse(out));
    expect(out).not.toContain('hunter2');
    expect(onError).toHaveBeenCalledOnce();
  });

  it('aborts the upstream call when the request signal aborts mid-stream', async () => {
    const { handler, signals } = setup({ behaviours: { a: { chunkDelayMs: 30 }, b: { chunkDelayMs: 30 } } });
    const controller = new AbortController();
    const res = await handler(request({ json: chatBody({ stream: true }), signal: controller.signal }));
    expect(res.status).toBe(200);
    const iterator = (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await iterator.return?.();
    expect(signals[0]!.aborted).toBe(true);
  });
});

describe('createHandler: update', () => {
  it('swaps client keys on a live handler, keeping what is not named', async () => {
    const { handler } = setup({ handler: { apiKeys: [KEY], maxBodyBytes: 100_000 } });
    handler.update({ apiKeys: ['new-key'] });
    expect((await handler(request({ json: chatBody() }))).status).toBe(401);
    handler.update({ maxBodyBytes: 10 });
    const res = await handler(request({ json: chatBody(), headers: { authorization: 'Bearer new-key' } }));
    expect(res.status).toBe(413);
    handler.update({ maxBodyBytes: 100_000 });
    expect((await handler(request({ json: chatBody(), headers: { 'x-api-key': 'new-key' } }))).status).toBe(200);
  });

  it('logs unexpected failures through the logger', async () => {
    const error = vi.fn();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error };
    const { handler } = setup({
      handler: {
        authenticate: () => {
          throw new TypeError('boom');
        },
        logger,
      },
    });
    expect((await handler(request({ json: chatBody() }))).status).toBe(500);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ error: 'TypeError: boom' }), expect.any(String));
  });
});
