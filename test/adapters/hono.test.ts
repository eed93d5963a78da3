import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { switchyard } from '../../src/adapters/hono/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, setup } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler) {
  const app = new Hono();
  app.get('/own', (c) => c.json({ own: true }));
  app.route('/llm', switchyard(handler));
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
});
