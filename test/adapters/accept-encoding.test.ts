import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNodeListener } from '../../src/adapters/node/index.js';
import { anthropicExecutor } from '../../src/executors/anthropic/anthropic-executor.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { createHandler } from '../../src/http/index.js';
import { Manager } from '../../src/index.js';
import { KEY, request, setup } from '../http/helpers.js';

const CHAT = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'compressed hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};
const SSE =
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: 'compressed hello' }, finish_reason: null }] })}\n\n` +
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n` +
  'data: [DONE]\n\n';

let upstream: Server;
let gateway: Server;
let origin: string;
const seenAcceptEncoding: Array<string | undefined> = [];

beforeAll(async () => {
  // An upstream (or a proxy in front of it) that compresses whenever it is allowed to, and says so.
  upstream = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      seenAcceptEncoding.push(req.headers['accept-encoding']);
      const stream = (JSON.parse(raw) as { stream?: boolean }).stream === true;
      const text = stream ? SSE : JSON.stringify(CHAT);
      const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      res.writeHead(200, {
        'content-type': stream ? 'text/event-stream' : 'application/json',
        ...(accepts ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(accepts ? gzipSync(text) : text);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const manager = new Manager({
    executors: [openaiExecutor(), anthropicExecutor()],
    credentials: [
      { id: 'oa', provider: 'openai', apiKey: 'sk-up', baseUrl: `${base}/v1`, models: [{ name: 'gpt-4o-mini' }] },
    ],
  });
  gateway = createServer(createNodeListener(createHandler(manager, { apiKeys: [KEY] })));
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => {
  gateway.closeAllConnections();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** A raw HTTP exchange, so nothing on the client side decompresses behind our back. */
async function post(path: string, body: unknown, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }>((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('accept-encoding: zstd, br, gzip', () => {
  const asked = ['zstd', 'br', 'gzip'];
  it.each([
    ['an OpenAI caller, non-stream (bytes pass through)', '/v1/chat/completions', false],
    ['an OpenAI caller, stream (bytes pass through)', '/v1/chat/completions', true],
    ['an Anthropic caller, non-stream (translated)', '/v1/messages', false],
    ['an Anthropic caller, stream (translated)', '/v1/messages', true],
  ])('answers %s with an encoding the client asked for, or none', async (_name, path, stream) => {
    const body =
      path === '/v1/messages'
        ? { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], stream }
        : { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream };
    const res = await post(path, body, {
      authorization: `Bearer ${KEY}`,
      'x-api-key': KEY,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'accept-encoding': 'zstd, br, gzip',
    });
    expect(res.status).toBe(200);
    const encoding = res.headers['content-encoding'] as string | undefined;
    if (encoding !== undefined) expect(asked).toContain(encoding);
    // Whatever we chose, the bytes are what the header says: plain text here.
    const text = encoding === 'gzip' ? gunzipSync(res.bytes).toString() : res.bytes.toString();
    expect(text).toContain('compressed hello');
    // The caller's accept-encoding is not passed upstream: the executor reads the upstream's bytes itself.
    expect(seenAcceptEncoding.at(-1) ?? '').not.toMatch(/zstd|br|gzip/);
  });

  it('never lets an upstream content-encoding reach the caller', async () => {
    const { handler, manager } = setup();
    const real = await manager.execute({
      dialect: 'openai-chat',
      body: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
    });
    vi.spyOn(manager, 'execute').mockResolvedValue({
      ...real,
      headers: { ...real.headers, 'content-encoding': 'br', 'Content-Encoding': 'br', 'transfer-encoding': 'chunked' },
    });
    const res = await handler(
      request({
        json: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
        headers: { authorization: `Bearer ${KEY}`, 'accept-encoding': 'zstd, br, gzip' },
      }),
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).map((h) => h.toLowerCase())).not.toContain('content-encoding');
    expect(Object.keys(res.headers).map((h) => h.toLowerCase())).not.toContain('transfer-encoding');
  });
});
