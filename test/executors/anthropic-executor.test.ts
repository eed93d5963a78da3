import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicExecutor } from '../../src/executors/anthropic/anthropic-executor.js';
import { anthropicError, type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { API_KEY, credential, exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeAnthropic;
const executor = anthropicExecutor();
const body = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] };

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});

describe('anthropicExecutor: success', () => {
  it('posts /v1/messages with x-api-key and the default anthropic-version, and reads quota headers', async () => {
    const res = await executor.execute(request(credential(fake.url), 'anthropic-messages', body));
    const json = JSON.parse(await readText(res.body));
    expect(json).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(json.content).toEqual([{ type: 'text', text: 'Hello from fake Claude' }]);
    const seen = fake.last!;
    expect(seen.path).toBe('/v1/messages');
    expect(seen.headers['x-api-key']).toBe(API_KEY);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['anthropic-beta']).toBeUndefined();
    expect(res.quota).toEqual({
      at: res.quota!.at,
      remainingRequests: 3999,
      requestsResetAt: Date.parse('2030-01-01T00:00:00Z'),
      remainingTokens: 399_000,
      tokensResetAt: Date.parse('2030-01-01T00:00:00Z'),
    });
  });

  it("passes the caller's anthropic-version and anthropic-beta through", async () => {
    const headers = {
      'anthropic-version': '2024-01-01',
      'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14',
    };
    await readText(
      (await executor.execute(request(credential(fake.url), 'anthropic-messages', body, { headers }))).body,
    );
    expect(fake.last!.headers['anthropic-version']).toBe('2024-01-01');
    expect(fake.last!.headers['anthropic-beta']).toBe('context-1m-2025-08-07,interleaved-thinking-2025-05-14');
  });

  it('authenticates OAuth credentials with Bearer and the oauth beta', async () => {
    const cred = credential(fake.url, { apiKey: undefined, kind: 'oauth', oauth: { accessToken: 'sk-ant-oat-token' } });
    const headers = { 'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14' };
    await readText((await executor.execute(request(cred, 'anthropic-messages', body, { headers }))).body);
    expect(fake.last!.headers.authorization).toBe('Bearer sk-ant-oat-token');
    expect(fake.last!.headers['x-api-key']).toBeUndefined();
    expect(fake.last!.headers['anthropic-beta']).toBe('fine-grained-tool-streaming-2025-05-14,oauth-2025-04-20');
  });

  it('streams thinking, text and tool use events', async () => {
    fake.reply = {
      thinking: 'Let me see',
      text: 'Sure',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
    };
    const res = await executor.execute(request(credential(fake.url), 'anthropic-messages', { ...body, stream: true }));
    const text = await readText(res.body);
    fake.reply = { text: 'Hello from fake Claude' };
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(text).toContain('"type":"signature_delta"');
    expect(text).toContain('"type":"input_json_delta"');
    expect(text).toContain('"stop_reason":"tool_use"');
    expect(fake.last!.body).toMatchObject({ stream: true });
  });

  it('counts tokens on /v1/messages/count_tokens without generation-only fields', async () => {
    const res = await executor.execute(
      request(credential(fake.url), 'anthropic-messages', { ...body, temperature: 0.2 }, { operation: 'count_tokens' }),
    );
    expect(fake.last!.path).toBe('/v1/messages/count_tokens');
    expect(fake.last!.body).toEqual({ model: body.model, messages: body.messages });
    expect(JSON.parse(await readText(res.body)).input_tokens).toBeGreaterThan(0);
  });

  it('lists models with display names', async () => {
    const models = await executor.listModels(credential(fake.url, { id: 'list' }));
    expect(fake.last!.path).toBe('/v1/models?limit=1000');
    expect(models[0]).toEqual({
      id: 'claude-sonnet-4-5',
      provider: 'anthropic',
      displayName: 'Claude Sonnet 4.5',
      created: 1_759_104_000,
    });
  });
});

describe('anthropicExecutor: errors', () => {
  const call = () => executor.execute(request(credential(fake.url), 'anthropic-messages', body));

  it('529 overloaded_error is an OverloadedError', async () => {
    fake.script(anthropicError(529, 'overloaded_error', 'Overloaded'));
    const err = await rejection(call());
    expect(err.kind).toBe('overloaded');
    expect(err.status).toBe(529);
    expect(err.upstream).toMatchObject({
      provider: 'anthropic',
      dialect: 'anthropic-messages',
      body: { type: 'error', error: { type: 'overloaded_error' } },
    });
  });

  it('429 rate_limit_error honours retry-after', async () => {
    fake.script(
      anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
        'retry-after': '12',
      }),
    );
    const err = await rejection(call());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(12_000);
  });

  it('429 without retry-after takes the reset of the exhausted anthropic-ratelimit bucket', async () => {
    const reset = new Date(Date.now() + 40_000).toISOString();
    fake.script(
      anthropicError(429, 'rate_limit_error', 'rate limited', {
        'anthropic-ratelimit-requests-remaining': '10',
        'anthropic-ratelimit-input-tokens-remaining': '0',
        'anthropic-ratelimit-input-tokens-reset': reset,
        'anthropic-ratelimit-output-tokens-remaining': '8000',
      }),
    );
    const err = await rejection(call());
    expect(err.retryAfterMs).toBeGreaterThan(35_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(40_000);
  });

  it('a low credit balance is a credential-wide quota exhaustion', async () => {
    fake.script(
      anthropicError(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.'),
    );
    const err = await rejection(call());
    expect(err.kind).toBe('quota_exhausted');
    expect(err.credentialWide).toBe(true);
  });

  it.each([
    [401, 'authentication_error', 'unauthorized'],
    [403, 'permission_error', 'forbidden'],
    [404, 'not_found_error', 'endpoint_not_found'],
    [400, 'invalid_request_error', 'invalid_request'],
    [413, 'request_too_large', 'invalid_request'],
    [500, 'api_error', 'upstream_error'],
  ] as const)('%i %s → %s', async (status, type, kind) => {
    fake.script(anthropicError(status, type, `failure ${status}`));
    expect((await rejection(call())).kind).toBe(kind);
  });

  it('404 not_found_error naming the model → not_found (the model is missing on this credential)', async () => {
    fake.script(anthropicError(404, 'not_found_error', 'model: claude-nonexistent'));
    expect((await rejection(call())).kind).toBe('not_found');
  });

  it('never exposes the API key', async () => {
    fake.script(anthropicError(401, 'authentication_error', `invalid x-api-key ${API_KEY}`));
    const err = await rejection(call());
    expect(exposedText(err)).not.toContain(API_KEY);
  });
});
