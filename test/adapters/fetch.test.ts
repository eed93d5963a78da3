import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createFetchHandler, toFetchHandler } from '../../src/adapters/fetch/index.js';
import type { CoreHandler } from '../../src/http/index.js';
import { chatBody, KEY, setup, waitFor } from '../http/helpers.js';
import { describeSdkClients } from './sdk-suite.js';

async function mount(handler: CoreHandler) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createFetchHandler(handler), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl: origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describeSdkClients('fetch (on @hono/node-server)', mount);

describe('fetch adapter', () => {
  it('keeps the old name as an alias', () => {
    expect(toFetchHandler).toBe(createFetchHandler);
  });

  it('maps Request to Response, with a path prefix', async () => {
    const ctx = setup();
    const fetchHandler = createFetchHandler(ctx.handler, { pathPrefix: '/api' });
    const res = await fetchHandler(
      new Request('http://x/api/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody()),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
  });

  it('refuses clients of unknown address when no key is configured', async () => {
    const ctx = setup({ handler: { allowUnauthenticated: 'loopback' } });
    const refused = await createFetchHandler(ctx.handler)(new Request('http://x/v1/models'));
    expect(refused.status).toBe(403);
    const allowed = await createFetchHandler(ctx.handler, { remoteAddress: () => '127.0.0.1' })(
      new Request('http://x/v1/models'),
    );
    expect(allowed.status).toBe(200);
  });

  it('aborting the request and cancelling the body abort the upstream', async () => {
    const behaviour = { chunkDelayMs: 30 };
    const ctx = setup({ behaviours: { a: behaviour, b: behaviour } });
    const controller = new AbortController();
    const res = await createFetchHandler(ctx.handler)(
      new Request('http://x/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify(chatBody({ stream: true })),
        signal: controller.signal,
      }),
    );
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel();
    await waitFor(() => ctx.signals[0]?.aborted === true);
    expect(ctx.signals).toHaveLength(1);
  });
});
