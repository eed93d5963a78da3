import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { type BedrockCredentialOptions, bedrockCredential } from '../../src/executors/bedrock/bedrock-credential.js';
import { bedrockExecutor } from '../../src/executors/bedrock/bedrock-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { bedrockError, type FakeBedrock, startFakeBedrock } from '../fakes/fake-bedrock.js';
import { exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeBedrock;
const executor = bedrockExecutor({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const PROFILE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const ARN = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0';
const converseBody = (text = 'hi') => ({ messages: [{ role: 'user', content: [{ text }] }] });

beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.authFailures.length = 0;
  fake.reply = { text: 'Hello from fake Bedrock' };
  fake.options.sessionToken = undefined;
  fake.options.streamException = undefined;
});

function keys(extra: Partial<BedrockCredentialOptions> = {}): Credential {
  return bedrockCredential({
    id: 'aws-keys',
    region: fake.options.region,
    endpoint: fake.url,
    auth: { accessKeyId: fake.options.accessKeyId, secretAccessKey: fake.options.secretAccessKey },
    ...extra,
  });
}

function apiKey(): Credential {
  return bedrockCredential({
    id: 'aws-api-key',
    region: fake.options.region,
    endpoint: fake.url,
    auth: { apiKey: fake.options.apiKey },
  });
}

describe('Bedrock executor', () => {
  it('calls Converse with a SigV4 signature the fake verifies, model id percent-encoded', async () => {
    const res = await executor.execute(
      request(keys(), 'bedrock-converse', { ...converseBody(), model: HAIKU }, { model: HAIKU }),
    );
    const answer = JSON.parse(await readText(res.body));
    expect(fake.authFailures).toEqual([]);
    expect(fake.last!.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    expect(fake.last!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCK00001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=/,
    );
    // The model is in the path, never in the body.
    expect(fake.last!.body).toEqual(converseBody());
    expect(answer.output.message.content).toEqual([{ text: 'Hello from fake Bedrock' }]);
  });

  it('sends a session token as x-amz-security-token, signed', async () => {
    fake.options.sessionToken = 'FwoGZXIvYXdzEfakeSessionToken';
    const credential = keys({
      auth: {
        accessKeyId: fake.options.accessKeyId,
        secretAccessKey: fake.options.secretAccessKey,
        sessionToken: 'FwoGZXIvYXdzEfakeSessionToken',
      },
    });
    await readText(
      (await executor.execute(request(credential, 'bedrock-converse', converseBody(), { model: NOVA }))).body,
    );
    expect(fake.authFailures).toEqual([]);
    expect(fake.last!.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEfakeSessionToken');
    expect(String(fake.last!.headers.authorization)).toContain('x-amz-security-token');
  });

  it('sends a Bedrock API key as a bearer token instead of a signature', async () => {
    await readText(
      (await executor.execute(request(apiKey(), 'bedrock-converse', converseBody(), { model: ARN }))).body,
    );
    expect(fake.authFailures).toEqual([]);
    expect(fake.last!.headers.authorization).toBe(`Bearer ${fake.options.apiKey}`);
    expect(fake.last!.headers['x-amz-date']).toBeUndefined();
    expect(fake.last!.path).toBe(`/model/${encodeURIComponent(ARN)}/converse`);
  });

  it('decodes ConverseStream event-stream frames, split at any byte, into SSE', async () => {
    fake.reply = {
      thinking: 'Let me see.',
      text: 'Sunny today',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
    };
    const res = await executor.execute(
      request(keys(), 'bedrock-converse', converseBody(), { model: PROFILE, stream: true }),
    );
    expect(fake.last!.path).toBe('/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream');
    expect(fake.last!.headers.accept).toBe('application/vnd.amazon.eventstream');
    const text = await readText(res.body);
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('messageStart');
    expect(events.slice(-2)).toEqual(['messageStop', 'metadata']);
    expect(text).toContain(
      'event: contentBlockDelta\ndata: {"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"EqQBbedrockSig"}}',
    );
    expect(text).toContain('"start":{"toolUse":{"toolUseId":"tooluse_');
  });

  it('calls InvokeModel with the Messages body for Claude: anthropic_version, no model, betas in the body', async () => {
    const body = { model: PROFILE, max_tokens: 100, stream: false, messages: [{ role: 'user', content: 'hi' }] };
    const res = await executor.execute(
      request(keys(), 'anthropic-messages', body, {
        model: PROFILE,
        headers: { 'anthropic-beta': 'context-1m-2025-08-07, foo' },
      }),
    );
    const message = JSON.parse(await readText(res.body));
    expect(fake.last!.path).toBe('/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke');
    expect(fake.last!.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
      anthropic_beta: ['context-1m-2025-08-07', 'foo'],
    });
    expect(message).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'Hello from fake Bedrock' }] });
  });

  it('turns InvokeModelWithResponseStream chunks into the Anthropic SSE they carry', async () => {
    fake.reply = { thinking: 'Hmm.', text: 'Yes' };
    const body = { model: HAIKU, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const res = await executor.execute(request(keys(), 'anthropic-messages', body, { model: HAIKU, stream: true }));
    const text = await readText(res.body);
    expect(fake.last!.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream');
    expect(text.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
    expect(text).toContain(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBbedrockSig"}}',
    );
    expect(text.trimEnd()).toMatch(
      /event: message_stop\ndata: \{"type":"message_stop","amazon-bedrock-invocationMetrics":\{.*\}\}$/,
    );
  });

  it('counts tokens through CountTokens, answering in input_tokens', async () => {
    const messages = [{ role: 'user', content: 'count me' }];
    const res = await executor.execute(
      request(keys(), 'anthropic-messages', { model: HAIKU, messages }, { model: HAIKU, operation: 'count_tokens' }),
    );
    expect(JSON.parse(await readText(res.body))).toEqual({ input_tokens: expect.any(Number) });
    expect(fake.last!.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/count-tokens');
    const sent = (fake.last!.body as { input: { invokeModel: { body: string } } }).input.invokeModel.body;
    expect(JSON.parse(Buffer.from(sent, 'base64').toString('utf8'))).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 1,
      messages,
    });
    const converse = await executor.execute(
      request(
        keys(),
        'bedrock-converse',
        { ...converseBody(), inferenceConfig: { maxTokens: 5 } },
        { model: NOVA, operation: 'count_tokens' },
      ),
    );
    expect(JSON.parse(await readText(converse.body))).toEqual({ input_tokens: expect.any(Number) });
    expect(fake.last!.body).toEqual({ input: { converse: converseBody() } });
  });

  it('picks invoke for Anthropic callers of Claude, Converse otherwise, and honours per-model modes', () => {
    const auto = keys();
    expect(executor.nativeDialect('anthropic-messages', auto, PROFILE)).toBe('anthropic-messages');
    expect(executor.nativeDialect('openai-chat', auto, PROFILE)).toBe('bedrock-converse');
    expect(executor.nativeDialect('anthropic-messages', auto, NOVA)).toBe('bedrock-converse');
    const modes = keys({
      models: [
        { name: PROFILE, alias: 'sonnet', mode: 'converse' },
        { name: HAIKU, mode: 'invoke' },
      ],
    });
    expect(executor.nativeDialect('anthropic-messages', modes, PROFILE)).toBe('bedrock-converse');
    expect(executor.nativeDialect('gemini', modes, HAIKU)).toBe('anthropic-messages');
  });

  it.each([
    [429, 'ThrottlingException', 'rate_limited'],
    [400, 'ServiceQuotaExceededException', 'rate_limited'],
    [429, 'ModelNotReadyException', 'overloaded'],
    [400, 'ValidationException', 'invalid_request'],
    [403, 'AccessDeniedException', 'forbidden'],
    [403, 'UnrecognizedClientException', 'unauthorized'],
    [404, 'ResourceNotFoundException', 'not_found'],
  ])('classifies %i %s as %s', async (status, type, kind) => {
    fake.script(bedrockError(status, type, `${type} says no`, status === 429 ? { 'retry-after': '3' } : {}));
    const err = await rejection(executor.execute(request(keys(), 'bedrock-converse', converseBody(), { model: NOVA })));
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(`${type}: ${type} says no`);
    if (status === 429) expect(err.retryAfterMs).toBe(3000);
  });

  it('reports a wrong secret as unauthorized without leaking it', async () => {
    const wrong = keys({
      auth: { accessKeyId: fake.options.accessKeyId, secretAccessKey: 'wrongSecret/0123456789abcdef' },
    });
    const err = await rejection(executor.execute(request(wrong, 'bedrock-converse', converseBody(), { model: NOVA })));
    expect(fake.authFailures).toEqual(['signature mismatch']);
    expect(err.kind).toBe('unauthorized');
    expect(exposedText(err)).not.toContain('wrongSecret/0123456789abcdef');
  });

  it('fails a stream with a corrupt frame as an upstream error, not a hang', async () => {
    fake.script({
      headers: { 'content-type': 'application/vnd.amazon.eventstream' },
      chunks: [new Uint8Array([0, 0, 0, 40, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8])],
    });
    const res = await executor.execute(
      request(keys(), 'bedrock-converse', converseBody(), { model: NOVA, stream: true }),
    );
    const err = await rejection(readText(res.body));
    expect(err.kind).toBe('upstream_error');
    expect(err.message).toMatch(/malformed event stream/);
  });
});

describe('Bedrock through the Manager', () => {
  async function withManager<T>(credential: Credential, run: (manager: Manager) => Promise<T>): Promise<T> {
    const manager = new Manager({
      store: new MemoryTokenStore([credential]),
      executors: [executor],
      retry: { baseDelayMs: 0 },
    });
    await manager.start();
    try {
      return await run(manager);
    } finally {
      await manager.close();
    }
  }

  it('serves an OpenAI Chat stream from ConverseStream with the tool call and cache usage', async () => {
    fake.reply = { text: 'Checking', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    fake.options.cacheReadTokens = 50;
    const credential = keys({ models: [{ name: PROFILE, alias: 'claude-sonnet' }] });
    const text = await withManager(credential, async (manager) => {
      const result = await manager.execute({
        dialect: 'openai-chat',
        body: {
          model: 'claude-sonnet',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'weather?' }],
          tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
        },
      });
      return readText(result.body as AsyncIterable<Uint8Array>);
    });
    fake.options.cacheReadTokens = undefined;
    expect(fake.last!.path).toBe('/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream');
    expect(fake.last!.body).toMatchObject({
      messages: [{ role: 'user', content: [{ text: 'weather?' }] }],
      toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] },
    });
    expect(text).toContain('"finish_reason":"tool_calls"');
    expect(text).toContain('"name":"get_weather"');
    expect(text).toContain('"cached_tokens":50');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('surfaces an in-stream exception as an error in the caller dialect', async () => {
    fake.reply = { text: 'one two three' };
    fake.options.streamException = { type: 'throttlingException', message: 'Too many tokens, please wait.' };
    const text = await withManager(keys(), async (manager) => {
      const result = await manager.execute({
        dialect: 'anthropic-messages',
        body: { model: NOVA, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      });
      return readText(result.body as AsyncIterable<Uint8Array>);
    });
    expect(text).toContain(
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Too many tokens, please wait."}}',
    );
  });

  it('keeps an Anthropic caller on InvokeModel for Claude: thinking signature and cache_control pass through', async () => {
    fake.reply = { thinking: 'Deep thought.', text: '42' };
    const answer = await withManager(keys(), async (manager) => {
      const result = await manager.execute({
        dialect: 'anthropic-messages',
        body: {
          model: HAIKU,
          max_tokens: 2048,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
          messages: [{ role: 'user', content: 'meaning?' }],
        },
      });
      return JSON.parse(new TextDecoder().decode(result.body as Uint8Array));
    });
    expect(fake.last!.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke');
    expect((fake.last!.body as { system: unknown }).system).toEqual([
      { type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } },
    ]);
    expect(answer.content[0]).toEqual({ type: 'thinking', thinking: 'Deep thought.', signature: 'EqQBbedrockSig' });
  });

  it('answers count-tokens requests of Anthropic and Gemini callers in their own shape', async () => {
    await withManager(keys(), async (manager) => {
      const anthropic = await manager.execute({
        dialect: 'anthropic-messages',
        operation: 'count_tokens',
        body: { model: HAIKU, messages: [{ role: 'user', content: 'count me' }] },
      });
      expect(JSON.parse(new TextDecoder().decode(anthropic.body as Uint8Array))).toEqual({
        input_tokens: expect.any(Number),
      });
      const gemini = await manager.execute({
        dialect: 'gemini',
        operation: 'count_tokens',
        model: NOVA,
        body: { contents: [{ role: 'user', parts: [{ text: 'count me' }] }] },
      });
      expect(fake.last!.path).toBe('/model/amazon.nova-lite-v1%3A0/count-tokens');
      expect(JSON.parse(new TextDecoder().decode(gemini.body as Uint8Array))).toEqual({
        totalTokens: expect.any(Number),
      });
    });
  });

  it('does not cool a credential for a ValidationException, and does cool it for throttling', async () => {
    await withManager(keys(), async (manager) => {
      fake.script(bedrockError(400, 'ValidationException', 'messages: bad'));
      const bad = await rejection(
        manager.execute({ dialect: 'openai-chat', body: { model: NOVA, messages: [{ role: 'user', content: 'x' }] } }),
      );
      expect(bad.kind).toBe('invalid_request');
      expect(await manager.cooldowns()).toEqual([]);
      fake.script(bedrockError(429, 'ThrottlingException', 'slow down', { 'retry-after': '5' }));
      const slow = await rejection(
        manager.execute({ dialect: 'openai-chat', body: { model: NOVA, messages: [{ role: 'user', content: 'x' }] } }),
      );
      expect(['rate_limited', 'no_credentials']).toContain(slow.kind);
      expect((await manager.cooldowns()).map((c) => c.credentialId)).toEqual(['aws-keys']);
    });
  });
});
