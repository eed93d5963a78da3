import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { createHandler } from '../../src/http/index.js';
import { Manager } from '../../src/index.js';
import { json, KEY, request } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/openai-chat/${name}`, import.meta.url), 'utf8');

/** A fake OpenAI answering each model with one of its documented error bodies. */
const ANSWERS: Record<string, { status: number; body: string }> = {
  'gpt-9-turbo': { status: 404, body: fixture('model-not-found.error.json') },
  'gpt-4o-mini': { status: 429, body: fixture('rate-limit.error.json') },
};

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const answer = ANSWERS[(JSON.parse(raw) as { model: string }).model]!;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('an upstream OpenAI error relayed to an OpenAI caller', () => {
  it.each([
    ['gpt-9-turbo', '/v1/chat/completions'],
    ['gpt-4o-mini', '/v1/chat/completions'],
    ['gpt-9-turbo', '/v1/responses'],
    ['gpt-4o-mini', '/v1/responses'],
  ])('keeps type and code of %s as the upstream sent them (%s)', async (model, path) => {
    const manager = new Manager({
      executors: [openaiExecutor()],
      credentials: [{ id: 'oa', provider: 'openai', apiKey: 'sk-upstream', baseUrl, models: [{ name: model }] }],
      retry: { attempts: 1, baseDelayMs: 0 },
    });
    const handler = createHandler(manager, { apiKeys: [KEY] });
    const body =
      path === '/v1/responses' ? { model, input: 'hi' } : { model, messages: [{ role: 'user', content: 'hi' }] };
    const res = await handler(request({ path, json: body }));
    const upstream = JSON.parse(ANSWERS[model]!.body) as { error: Record<string, unknown> };
    const out = (await json(res)).error as Record<string, unknown>;
    expect({ type: out.type, code: out.code, param: out.param }).toEqual({
      type: upstream.error.type,
      code: upstream.error.code,
      param: upstream.error.param,
    });
    expect(out.message).toBe(upstream.error.message);
    await manager.close({ graceMs: 0 });
  });
});
