import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createHonoApp, type HonoAdapterOptions, switchyard } from '../../src/adapters/hono/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, KEY, setup } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler, options?: HonoAdapterOptions) {
  const app = new Hono();
  app.get('/own', (c) => c.json({ own: true }));
  app.route('/llm', createHonoApp(handler, options));
  // Registered after the mount on purpose: the sub-app's catch-all must not shadow it.
  app.get('/llm/own-route', (c) => c.json({ own: true }));
  app.notFound((c) => c.json({ host: 'not found' }, 404));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/llm`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeSdkClients('hono', mount);

describe('hono adapter', () => {
  it('reads the client address from @hono/node-server for the loopback default', async () => {
    const ctx = setup({ handler: { allowUnauthenticated: 'loopback' } });
    const server = await mount(ctx.handler);
    try {
      expect(await (await fetch(`${server.origin}/own`)).json()).toEqual({ own: true });
      const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chatBody()),
      });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('lets the host answer its own routes and unknown paths under the mount', async () => {
    const ctx = setup();
    const server = await mount(ctx.handler);
    try {
      expect(await (await fetch(`${server.baseUrl}/own-route`)).json()).toEqual({ own: true });
      const unknown = await fetch(`${server.baseUrl}/elsewhere`, {
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

  it('answers unknown paths under the mount itself with fallthrough: false', async () => {
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

  it('keeps the old name as an alias', () => {
    expect(switchyard).toBe(createHonoApp);
  });
});
