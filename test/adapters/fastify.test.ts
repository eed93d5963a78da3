import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  createFastifyPlugin,
  type FastifyAdapterOptions,
  switchyardFastify,
} from '../../src/adapters/fastify/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, KEY, setup } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler, options?: FastifyAdapterOptions) {
  const app = Fastify();
  app.post('/own', async (request) => ({ echoed: request.body }));
  app.get('/llm/own-route', async () => ({ own: true }));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ host: 'not found' }));
  await app.register(createFastifyPlugin(handler, options), { prefix: '/llm' });
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

  it('lets the host answer its own routes and unknown paths under the prefix', async () => {
    const ctx = setup();
    const server = await mount(ctx.handler);
    try {
      expect(await (await fetch(`${server.baseUrl}/own-route`)).json()).toEqual({ own: true });
      const unknown = await fetch(`${server.baseUrl}/elsewhere?x=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ host: 'not found' });
      expect(await (await fetch(`${server.origin}/outside`)).json()).toEqual({ host: 'not found' });
      const ok = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody()),
      });
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers unknown paths under the prefix itself with fallthrough: false', async () => {
    const ctx = setup();
    const server = await mount(ctx.handler, { fallthrough: false });
    try {
      const unknown = await fetch(`${server.baseUrl}/elsewhere`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).not.toEqual({ host: 'not found' });
    } finally {
      await server.close();
    }
  });

  it('still serves through the deprecated switchyardFastify plugin', async () => {
    const ctx = setup();
    const app = Fastify();
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ host: 'not found' }));
    await app.register(switchyardFastify, { prefix: '/llm', handler: ctx.handler });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${origin}/llm/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody()),
      });
      expect(ok.status).toBe(200);
      expect(await (await fetch(`${origin}/llm/elsewhere`)).json()).toEqual({ host: 'not found' });
    } finally {
      await app.close();
    }
  });
});
