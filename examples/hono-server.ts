/**
 * switchyard as a Hono sub-app under /llm, served by @hono/node-server.
 *
 *   npx tsx examples/hono-server.ts          # serves on http://127.0.0.1:8317 until Ctrl-C
 *   SMOKE=1 npx tsx examples/hono-server.ts  # one request against itself, then exits
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Manager, mockExecutor } from 'switchyard';
import { createHonoApp } from 'switchyard/hono';
import { createHandler } from 'switchyard/http';

const KEY = process.env.GATEWAY_KEY ?? 'sk-example';

const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'mock-a', provider: 'mock' }] });

const app = new Hono();
app.get('/', (c) => c.text('my own route'));
// @google/genai: httpOptions.baseUrl http://host/llm
app.route('/llm', createHonoApp(createHandler(manager, { apiKeys: [KEY] })));

const smoke = process.env.SMOKE === '1';
const server = serve(
  { fetch: app.fetch, port: smoke ? 0 : Number(process.env.PORT ?? 8317), hostname: '127.0.0.1' },
  async (info: AddressInfo) => {
    const base = `http://127.0.0.1:${info.port}/llm`;
    console.log(`listening on ${base}`);
    if (!smoke) return;
    const res = await fetch(`${base}/v1beta/models/any-model:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello from hono' }] }] }),
    });
    const answer = (await res.json()) as { candidates: Array<{ content: { parts: Array<{ text?: string }> } }> };
    console.log(`reply: ${answer.candidates[0]?.content.parts.map((p) => p.text ?? '').join('')}`);
    server.close();
    await manager.close();
  },
);
