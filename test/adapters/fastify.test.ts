import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { switchyardFastify } from '../../src/adapters/fastify/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { KEY, setup } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler) {
  const app = Fastify();
  app.post('/own', async (request) => ({ echoed: request.body }));
  await app.register(switchyardFastify, { prefix: '/llm', handler });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { origin, baseUrl: `${origin}/llm`, close: () => app.close() };
}

describeSdkClients('fastify', mount);

describe('fastify adapter', () => {
  it('leaves the host routes parsers alone and answers bad JSON in the dialect', async () => {
    const ctx = setup();
    const server = await mount(ctx.handler);
    try {
      const own = await fetch(`${server.origin}/own`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(await own.json()).toEqual({ echoed: { a: 1 } });
      const bad = await fetch(`${server.baseUrl}/v1beta/models/mock-model:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
        body: '{"contents":',
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 400 } });
    } finally {
      await server.close();
    }
  });
});
