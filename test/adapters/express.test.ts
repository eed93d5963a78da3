import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { switchyard } from '../../src/adapters/express/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, KEY, setup } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler, withJsonParser: boolean) {
  const app = express();
  if (withJsonParser) app.use(express.json({ limit: '20mb' }));
  app.get('/llm/own-route', (_req, res) => {
    res.json({ own: true });
  });
  app.use('/llm', switchyard(handler));
  app.use((_req, res) => {
    res.status(404).json({ host: 'not found' });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/llm`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeSdkClients('express (raw body)', (handler) => mount(handler, false));
describeSdkClients('express (after express.json())', (handler) => mount(handler, true));

describe('express adapter', () => {
  it('lets other routes fall through and answers bad JSON in the dialect', async () => {
    const ctx = setup();
    const server = await mount(ctx.handler, false);
    try {
      expect(await (await fetch(`${server.baseUrl}/own-route`)).json()).toEqual({ own: true });
      expect(await (await fetch(`${server.baseUrl}/elsewhere`)).json()).toEqual({ host: 'not found' });
      const bad = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: '{"model":',
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
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
});
