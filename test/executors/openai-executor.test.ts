import { createServer } from 'node:net';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openaiCompatibleExecutor, openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { type FakeOpenAI, openaiError, startFakeOpenAI } from '../fakes/fake-openai.js';
import { API_KEY, credential, exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeOpenAI;
const executor = openaiExecutor({ headersTimeoutMs: 2_000, bodyTimeoutMs: 2_000 });
const chatBody = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});
afterEach(() => {
  fake.reply = { text: 'Hello from fake OpenAI' };
});

describe('openaiExecutor: success', () => {
  it('posts chat completions with Bearer auth and credential headers, and reads quota headers', async () => {
    const cred = credential(fake.baseUrl, { headers: { 'http-referer': 'https://example.test' } });
    const res = await executor.execute(request(cred, 'openai-chat', chatBody));
    const json = JSON.parse(await readText(res.body));
    expect(res.status).toBe(200);
    expect(json.choices[0].message.content).toBe('Hello from fake OpenAI');
    expect(json.object).toBe('chat.completion');
    const seen = fake.last!;
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seen.headers['http-referer']).toBe('https://example.test');
    expect(seen.body).toEqual(chatBody);
    expect(res.quota).toMatchObject({ remainingRequests: 9999, remainingTokens: 1_999_000 });
    expect(res.quota!.requestsResetAt! - res.quota!.at).toBe(6);
  });

  it('uses the OAuth access token as the Bearer token', async () => {
    const cred = credential(fake.baseUrl, {
      apiKey: undefined,
      kind: 'oauth',
      oauth: { accessToken: 'oauth-token-1' },
    });
    await readText((await executor.execute(request(cred, 'openai-chat', chatBody))).body);
    expect(fake.last!.headers.authorization).toBe('Bearer oauth-token-1');
  });

  it('adds stream_options.include_usage on chat streams without mutating the body', async () => {
    const body = { ...chatBody, stream: true };
    const res = await executor.execute(request(credential(fake.baseUrl), 'openai-chat', body));
    const text = await readText(res.body);
    expect(body).toEqual({ ...chatBody, stream: true });
    expect(fake.last!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).toContain('"usage":{"prompt_tokens"');
    expect(res.headers['content-type']).toContain('text/event-stream');
  });

  it('streams bytes as they arrive (the first event is readable while the upstream is still sending)', async () => {
    fake.script({ stallAfterChunks: 2 });
    const controller = new AbortController();
    const res = await executor.execute(
      request(credential(fake.baseUrl), 'openai-chat', { ...chatBody, stream: true }, { signal: controller.signal }),
    );
    const iterator = res.body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(new TextDecoder().decode(first.value)).toContain('chat.completion.chunk');
    controller.abort();
    await iterator.return?.();
    expect(await fake.last!.closed).toBe(true);
  });

  it('speaks Responses when the caller does, on /v1/responses', async () => {
    const cred = credential(fake.baseUrl);
    expect(executor.nativeDialect('openai-responses', cred)).toBe('openai-responses');
    expect(executor.nativeDialect('anthropic-messages', cred)).toBe('openai-chat');
    fake.reply = {
      text: 'Hi',
      thinking: 'Let me think',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
    };
    const res = await executor.execute(
      request(cred, 'openai-responses', { model: 'gpt-4o', input: 'hi', stream: true }),
    );
    const text = await readText(res.body);
    expect(fake.last!.path).toBe('/v1/responses');
    expect(fake.last!.body).not.toHaveProperty('stream_options');
    expect(text.startsWith('event: response.created\ndata: ')).toBe(true);
    expect(text).toContain('event: response.function_call_arguments.done');
    expect(text).toContain('event: response.completed');
  });

  it('counts Responses input tokens on /v1/responses/input_tokens', async () => {
    const res = await executor.execute(
      request(
        credential(fake.baseUrl),
        'openai-responses',
        { model: 'gpt-4o', input: 'hello' },
        { operation: 'count_tokens' },
      ),
    );
    expect(fake.last!.path).toBe('/v1/responses/input_tokens');
    expect(JSON.parse(await readText(res.body))).toMatchObject({ object: 'response.input_tokens' });
  });

  it('registers a named compatible service in one line; it speaks Chat only', async () => {
    const deepseek = openaiCompatibleExecutor({ provider: 'deepseek', baseUrl: fake.baseUrl });
    const cred = { id: 'ds', provider: 'deepseek', apiKey: API_KEY };
    expect(deepseek.provider).toBe('deepseek');
    expect(deepseek.nativeDialect('openai-responses', cred)).toBe('openai-chat');
    fake.reply = { text: 'ok', thinking: 'hmm' };
    const res = await deepseek.execute(request(cred, 'openai-chat', chatBody));
    expect(JSON.parse(await readText(res.body)).choices[0].message.reasoning_content).toBe('hmm');
  });

  it('lists models and caches them per credential for the TTL', async () => {
    let now = 1_000;
    const cached = openaiExecutor({ modelsCacheTtlMs: 60_000, now: () => now });
    const cred = credential(fake.baseUrl, { id: 'models-cred' });
    const before = fake.requests.length;
    const models = await cached.listModels(cred);
    expect(models).toEqual([
      { id: 'gpt-4o', provider: 'openai', created: 1_700_000_000 },
      { id: 'gpt-4o-mini', provider: 'openai', created: 1_700_000_000 },
    ]);
    await cached.listModels(cred);
    expect(fake.requests.length).toBe(before + 1);
    now += 60_001;
    await cached.listModels(cred);
    expect(fake.requests.length).toBe(before + 2);
    expect(fake.last!.path).toBe('/v1/models');
  });
});

describe('openaiExecutor: errors', () => {
  const call = () => executor.execute(request(credential(fake.baseUrl), 'openai-chat', chatBody));

  it('429 with Retry-After seconds is a rate limit with retryAfterMs', async () => {
    fake.script(
      openaiError(429, 'Rate limit reached for gpt-4o', 'requests', 'rate_limit_exceeded', { 'retry-after': '7' }),
    );
    const err = await rejection(call());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(7_000);
    expect(err.credentialWide).toBe(false);
    expect(err.status).toBe(429);
    expect(err.credentialId).toBe('cred-1');
    expect(err.upstream).toMatchObject({ provider: 'openai', dialect: 'openai-chat', status: 429 });
    expect(err.upstream!.body).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(err.message).toContain('Rate limit reached');
  });

  it('429 with Retry-After as an HTTP date', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    fake.script(openaiError(429, 'slow down', 'requests', null, { 'retry-after': date }));
    const err = await rejection(call());
    expect(err.retryAfterMs).toBeGreaterThan(25_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('429 with retry-after-ms wins over Retry-After', async () => {
    fake.script(openaiError(429, 'slow down', 'requests', null, { 'retry-after-ms': '1500', 'retry-after': '9' }));
    expect((await rejection(call())).retryAfterMs).toBe(1_500);
  });

  it('429 without Retry-After takes the hint from exhausted x-ratelimit headers', async () => {
    fake.script(
      openaiError(429, 'slow down', 'tokens', 'rate_limit_exceeded', {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '6m0s',
        'x-ratelimit-remaining-tokens': '5',
        'x-ratelimit-reset-tokens': '20ms',
      }),
    );
    expect((await rejection(call())).retryAfterMs).toBe(360_000);
  });

  it('insufficient_quota is a credential-wide quota exhaustion, not a rate limit', async () => {
    fake.script(
      openaiError(
        429,
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota',
      ),
    );
    const err = await rejection(call());
    expect(err.kind).toBe('quota_exhausted');
    expect(err.credentialWide).toBe(true);
  });

  it.each([
    [401, 'invalid_request_error', 'invalid_api_key', 'unauthorized'],
    [403, 'invalid_request_error', 'unsupported_country_region_territory', 'forbidden'],
    [404, 'invalid_request_error', 'model_not_found', 'not_found'],
    [400, 'invalid_request_error', 'context_length_exceeded', 'invalid_request'],
    [422, 'invalid_request_error', null, 'invalid_request'],
    [500, 'server_error', null, 'upstream_error'],
    [408, 'timeout', null, 'timeout'],
  ] as const)('%i %s → %s', async (status, type, code, kind) => {
    fake.script(openaiError(status, `failure ${status}`, type, code));
    const err = await rejection(call());
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
  });

  it('503 saying overloaded is an OverloadedError', async () => {
    fake.script(openaiError(503, 'The engine is currently overloaded, please try again later', 'server_error'));
    expect((await rejection(call())).kind).toBe('overloaded');
  });

  it('an HTML 502 page from a proxy becomes a short upstream error, not the page', async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(20_000)}</body></html>`;
    fake.script({ status: 502, headers: { 'content-type': 'text/html' }, body: page });
    const err = await rejection(call());
    expect(err.kind).toBe('upstream_error');
    expect(err.status).toBe(502);
    expect(err.message).toBe('openai answered 502: 502 Bad Gateway');
    expect(err.upstream!.body).toBe('502 Bad Gateway');
  });

  it('never exposes the API key, even when the upstream echoes it', async () => {
    fake.script(
      openaiError(401, `Incorrect API key provided: ${API_KEY}.`, 'invalid_request_error', 'invalid_api_key'),
    );
    const err = await rejection(call());
    expect(err.kind).toBe('unauthorized');
    expect(exposedText(err)).not.toContain(API_KEY);
    expect(err.message).toContain('[redacted]');
  });

  it('a refused connection is a NetworkError with a cause', async () => {
    const port = await freePort();
    const err = await rejection(
      executor.execute(request(credential(`http://127.0.0.1:${port}/v1`), 'openai-chat', chatBody)),
    );
    expect(err.kind).toBe('network');
    expect(err.cause).toBeDefined();
    expect(exposedText(err)).not.toContain(API_KEY);
  });

  it('a socket closed before the headers is a NetworkError', async () => {
    fake.script({ destroyBeforeHeaders: true });
    expect((await rejection(call())).kind).toBe('network');
  });

  it('a non-stream body larger than maxBodyBytes is an UpstreamError', async () => {
    const small = openaiExecutor({ maxBodyBytes: 1024 * 1024 });
    fake.script({
      headers: { 'content-type': 'application/json' },
      chunks: ['{"x":"'],
      repeat: { chunk: 'a'.repeat(64 * 1024), bytes: 4 * 1024 * 1024 },
    });
    const err = await rejection(small.execute(request(credential(fake.baseUrl), 'openai-chat', chatBody)));
    expect(err.kind).toBe('upstream_error');
    expect(err.message).toContain('larger than 1048576 bytes');
  });
});

describe('openaiExecutor: injectable dispatcher', () => {
  it('sends through a MockAgent', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.openai.com')
      .intercept({ path: '/v1/chat/completions', method: 'POST' })
      .reply(
        200,
        { id: 'chatcmpl-mock', choices: [] },
        { headers: { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '3' } },
      );
    const mocked = openaiExecutor({ dispatcher: agent });
    const res = await mocked.execute(
      request({ id: 'm', provider: 'openai', apiKey: API_KEY }, 'openai-chat', chatBody),
    );
    expect(JSON.parse(await readText(res.body)).id).toBe('chatcmpl-mock');
    expect(res.quota?.remainingRequests).toBe(3);
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
