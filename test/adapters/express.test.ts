import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createExpressMiddleware, switchyard } from '../../src/adapters/express/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, KEY, setup } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler, withJsonParser: boolean | 'default-limit') {
  const app = express();
  if (withJsonParser === 'default-limit') app.use(express.json());
  else if (withJsonParser) app.use(express.json({ limit: '20mb' }));
  app.get('/llm/own-route', (_req, res) => {
    res.json({ own: true });
  });
  app.use('/llm', createExpressMiddleware(handler));
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

  it('reads large bodies itself when mounted before express.json(), which would answer 413 in HTML', async () => {
    const ctx = setup();
    const big = JSON.stringify(chatBody({ messages: [{ role: 'user', content: 'x'.repeat(200_000) }] }));
    const send = (baseUrl: string) =>
      fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: big,
      });
    const before = await mount(ctx.handler, false);
    try {
      expect((await send(before.baseUrl)).status).toBe(200);
    } finally {
      await before.close();
    }
    const after = await mount(ctx.handler, 'default-limit');
    try {
      const refused = await send(after.baseUrl);
      expect(refused.status).toBe(413);
      expect(refused.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      await after.close();
    }
  });

  it('keeps the old name as an alias', () => {
    expect(switchyard).toBe(createExpressMiddleware);
  });
});
