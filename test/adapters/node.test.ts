import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createNodeListener, toNodeListener } from '../../src/adapters/node/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, KEY, setup, waitFor } from '../http/helpers.js';
import { captureLogger } from '../http/log-capture.js';
import { describeSdkClients } from './sdk-suite.js';

async function listen(handler: CoreHandler): Promise<{ server: Server; origin: string }> {
  const server = createServer(createNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describeSdkClients('node', async (handler) => {
  const { server, origin } = await listen(handler);
  return { baseUrl: origin, close: () => close(server) };
});

describe('node bridge', () => {
  it('keeps the old name as an alias', () => {
    expect(toNodeListener).toBe(createNodeListener);
  });

  it('aborts the upstream and releases the stream when the client disconnects mid-stream', async () => {
    const behaviour = { chunkDelayMs: 40 };
    const ctx = setup({ behaviours: { a: behaviour, b: behaviour } });
    const { server, origin } = await listen(ctx.handler);
    try {
      const controller = new AbortController();
      const res = await fetch(`${origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody({ stream: true })),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await waitFor(() => ctx.signals[0]?.aborted === true);
      // The stream stopped early: the mock sent only part of its ~8 chunks.
      expect(ctx.signals).toHaveLength(1);
    } finally {
      await close(server);
    }
  });

  it('answers 413 over a too large upload without reading it all, and keeps serving', async () => {
    const ctx = setup({ handler: { apiKeys: [KEY], maxBodyBytes: 1024 } });
    const { server, origin } = await listen(ctx.handler);
    try {
      const res = await fetch(`${origin}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ padding: 'x'.repeat(100_000) }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      const ok = await fetch(`${origin}/healthz`);
      expect(ok.status).toBe(200);
    } finally {
      await close(server);
    }
  });

  it('logs 50 uploads the clients abandoned mid-body at debug, with no error line', async () => {
    const logger = captureLogger();
    const onError = (): void => {
      throw new Error('onError must not be called for a client that left');
    };
    const ctx = setup({ handler: { apiKeys: [KEY], logger, onError } });
    const { server } = await listen(ctx.handler);
    const port = (server.address() as AddressInfo).port;
    try {
      const uploads = Array.from(
        { length: 50 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write(
                'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
                  `authorization: Bearer ${KEY}\r\ncontent-length: 100000\r\n\r\n{"model":"mock-model","messages":[`,
              );
              setTimeout(() => {
                socket.destroy();
                resolve();
              }, 20);
            });
            socket.on('error', () => resolve());
          }),
      );
      await Promise.all(uploads);
      await waitFor(() => logger.at('info').filter((l) => l.msg === 'request').length === 50);
      expect(logger.at('error')).toHaveLength(0);
      expect(logger.at('debug').filter((l) => l.msg === 'the client went away')).toHaveLength(50);
      expect(ctx.mock.calls).toHaveLength(0);
    } finally {
      await close(server);
    }
  });

  it('keeps keep-alive for bodiless GET requests', async () => {
    const ctx = setup();
    const { server, origin } = await listen(ctx.handler);
    try {
      const res = await fetch(`${origin}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('connection')).not.toBe('close');
      await res.arrayBuffer();
    } finally {
      await close(server);
    }
  });
});
