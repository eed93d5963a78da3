import { request as httpRequest } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicError } from '../fakes/fake-anthropic.js';
import type { FakeReply, FakeServer } from '../fakes/fake-server.js';
import { CALLERS, type Caller, Clients, EXPECTED_FINISH, WEATHER_TOOL } from './clients.js';
import { type Gateway, startGateway, stopAllGateways } from './gateway.js';
import {
  expectedUsage,
  MODELS,
  modelOf,
  providerConfig,
  SECRETS,
  secretOf,
  startUpstreams,
  UPSTREAM_NAMES,
  type Upstreams,
} from './upstreams.js';

const KEY = 'sk-e2e-client-key';
const TEXT_REPLY: FakeReply = { text: 'The answer is forty two.' };
const TOOL_REPLY: FakeReply = {
  text: 'Let me check.',
  toolCalls: [{ name: WEATHER_TOOL.name, arguments: { city: 'Paris', unit: 'celsius' } }],
};

let up: Upstreams;
let gateway: Gateway;
let clients: Clients;

beforeAll(async () => {
  up = await startUpstreams();
  gateway = await startGateway({ 'api-keys': [KEY], ...providerConfig(up) });
  clients = new Clients(gateway.url, KEY);
});

afterAll(async () => {
  await stopAllGateways();
  await up?.close();
});

beforeEach(() => {
  for (const name of UPSTREAM_NAMES) up[name].reply = TEXT_REPLY;
});

function posts(fake: FakeServer) {
  return fake.requests.filter((r) => r.method === 'POST');
}

describe('switchyard serve: every caller dialect × every upstream provider, through the official SDKs', () => {
  for (const upstream of UPSTREAM_NAMES) {
    for (const caller of CALLERS) {
      for (const stream of [false, true]) {
        for (const withTools of [false, true]) {
          const name = `${caller} → ${upstream}, ${stream ? 'stream' : 'non-stream'}, ${withTools ? 'tool call' : 'text'}`;
          it(name, async () => {
            const fake = up[upstream];
            const reply = withTools ? TOOL_REPLY : TEXT_REPLY;
            fake.reply = reply;
            const before = posts(fake).length;
            const prompt = `ping ${caller} ${upstream} ${stream} ${withTools}`;

            const out = await clients.call(caller, { model: MODELS[upstream].requested, prompt, stream, withTools });

            const sent = posts(fake);
            expect(sent).toHaveLength(before + 1);
            const req = sent.at(-1)!;
            expect(secretOf(req)).toBe(SECRETS[upstream]);
            expect(modelOf(upstream, req)).toBe(MODELS[upstream].upstream);
            expect(req.rawBody).toContain(prompt);
            if (withTools) expect(req.rawBody).toContain(WEATHER_TOOL.name);

            expect(out.text).toBe(reply.text);
            expect(out.tools).toEqual(withTools ? TOOL_REPLY.toolCalls : []);
            expect(out.finish).toBe(EXPECTED_FINISH[caller][withTools ? 'tools' : 'text']);
            expect(out.usage).toEqual(expectedUsage(upstream, req, reply));
          });
        }
      }
    }
  }
});

describe('switchyard serve: errors in the caller dialect', () => {
  it('refuses a wrong client key with 401 in every dialect, without calling an upstream', async () => {
    const before = posts(up.anthropic).length;
    const bad = new Clients(gateway.url, 'sk-wrong');
    const args = { model: MODELS.anthropic.requested, prompt: 'hi', stream: false, withTools: false };
    await expect(bad.call('openai-chat', args)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(bad.call('openai-responses', args)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(bad.call('anthropic-messages', args)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const geminiError = await bad.call('gemini', args).catch((err: unknown) => err);
    expect(geminiError).toBeInstanceOf(ApiError);
    expect((geminiError as ApiError).status).toBe(401);
    const missing = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { message: expect.stringContaining('Missing API key') } });
    expect(posts(up.anthropic)).toHaveLength(before);
  });

  const malformed: Array<[Caller, string, Record<string, string>, (body: unknown) => void]> = [
    [
      'openai-chat',
      '/v1/chat/completions',
      { authorization: `Bearer ${KEY}` },
      (b) => expect(b).toMatchObject({ error: { type: 'invalid_request_error' } }),
    ],
    [
      'openai-responses',
      '/v1/responses',
      { authorization: `Bearer ${KEY}` },
      (b) => expect(b).toMatchObject({ error: { type: 'invalid_request_error' } }),
    ],
    [
      'anthropic-messages',
      '/v1/messages',
      { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
      (b) => expect(b).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } }),
    ],
    [
      'gemini',
      '/v1beta/models/gemini-2.5-flash:generateContent',
      { 'x-goog-api-key': KEY },
      (b) => expect(b).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } }),
    ],
  ];
  for (const [caller, path, headers, check] of malformed) {
    it(`answers malformed JSON with 400 (${caller})`, async () => {
      const res = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"model": "gpt-4o", "messages": [',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      check(await res.json());
    });
  }

  it('answers an oversized body with 413 before reading it, and keeps serving', async () => {
    // Declares 10 MB + 1 KB but sends only the first 64 KB: the answer must come from the declared length,
    // without waiting for (or needing) the rest of the upload.
    const size = 10 * 1024 * 1024 + 1024;
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${gateway.url}/v1/messages`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(size),
            'x-api-key': KEY,
            'anthropic-version': '2023-06-01',
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 'x'));
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    const out = await clients.call('openai-chat', {
      model: MODELS.openai.requested,
      prompt: 'still there?',
      stream: false,
      withTools: false,
    });
    expect(out.finish).toBe('stop');
  });

  it('answers 429 with Retry-After in the caller dialect while every credential cools down', async () => {
    const model = 'claude-cooling-e2e';
    up.anthropic.script(
      anthropicError(429, 'rate_limit_error', 'Number of requests exceeded', { 'retry-after': '30' }),
    );
    const before = posts(up.anthropic).length;
    const args = { model, prompt: 'hi', stream: false, withTools: false };

    const first = await clients.call('openai-chat', args).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    const firstRetry = Number((first as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after'));
    expect(firstRetry).toBeGreaterThanOrEqual(25);
    expect(firstRetry).toBeLessThanOrEqual(30);
    expect(posts(up.anthropic)).toHaveLength(before + 1);

    // Now cooling: answered without an upstream call, in each caller's dialect.
    const second = await clients.call('anthropic-messages', args).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(Anthropic.RateLimitError);
    const anthropic = second as InstanceType<typeof Anthropic.RateLimitError>;
    expect(anthropic.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(anthropic.headers?.get('retry-after'))).toBeGreaterThan(0);

    const res = await fetch(`${gateway.url}/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });

    const responses = await clients.call('openai-responses', args).catch((err: unknown) => err);
    expect(responses).toBeInstanceOf(OpenAI.RateLimitError);
    expect(posts(up.anthropic)).toHaveLength(before + 1);
    // Other models of the same credential are not affected.
    const ok = await clients.call('anthropic-messages', { ...args, model: MODELS.anthropic.requested });
    expect(ok.finish).toBe('end_turn');
  });
});

describe('switchyard serve: client disconnects', () => {
  for (const caller of ['openai-chat', 'anthropic-messages'] as const) {
    it(`closes the upstream socket when a ${caller} client goes away mid-stream`, async () => {
      up.anthropic.reply = { text: 'one two three four five six seven eight nine ten' };
      up.anthropic.script({ chunkDelayMs: 150 });
      const before = posts(up.anthropic).length;
      const path = caller === 'openai-chat' ? '/v1/chat/completions' : '/v1/messages';
      const controller = new AbortController();
      const res = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify({
          model: MODELS.anthropic.requested,
          max_tokens: 64,
          stream: true,
          messages: [{ role: 'user', content: 'count slowly' }],
        }),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      controller.abort();
      const upstream = posts(up.anthropic)[before]!;
      const early = await Promise.race([
        upstream.closed,
        new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 3_000)),
      ]);
      expect(early).toBe(true);
      expect(upstream.clientClosed).toBe(true);
    });
  }
});
