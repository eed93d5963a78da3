import { describe, expect, it } from 'vitest';
import { createHandler } from '../../src/http/index.js';
import { ConfigError } from '../../src/index.js';
import { chatBody, json, messagesBody, request, setup, text } from './helpers.js';

const KEY = 'sk-policy-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

describe('client key policy: expiry, addresses, concurrency, groups', () => {
  it('an expired key is refused with 401 saying when it expired, in the caller dialect', async () => {
    const { handler } = setup({ handler: { keys: [{ key: KEY, expiresAt: Date.parse('2020-01-01T00:00:00Z') }] } });
    const res = await handler(request({ headers: auth, json: chatBody() }));
    expect(res.status).toBe(401);
    const body = await json(res);
    expect((body.error as { message: string }).message).toContain('expired on 2020-01-01T00:00:00.000Z');

    const anthropic = await handler(
      request({
        path: '/v1/messages',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        json: messagesBody(),
      }),
    );
    expect(anthropic.status).toBe(401);
    expect((await json(anthropic)).type).toBe('error');
  });

  it('a key with allowed addresses is refused from others with 403, accepted from them', async () => {
    const { handler } = setup({ handler: { keys: [{ key: KEY, allowedIps: ['10.0.0.0/8'] }] } });
    const refused = await handler(request({ headers: auth, json: chatBody(), remoteAddress: '192.168.1.5' }));
    expect(refused.status).toBe(403);
    expect(await text(refused)).toContain('may not be used from 192.168.1.5');
    const ok = await handler(request({ headers: auth, json: chatBody(), remoteAddress: '::ffff:10.4.5.6' }));
    expect(ok.status).toBe(200);
  });

  it('a bad address range fails closed when the handler is built', () => {
    const { manager } = setup();
    expect(() => createHandler(manager, { keys: [{ key: KEY, allowedIps: ['10.0.0.0/40'] }] })).toThrow(ConfigError);
  });

  it('caps the requests in flight per key: the next one gets 429 until one ends, streams included', async () => {
    const { handler } = setup({
      behaviours: { a: { chunkDelayMs: 30 }, b: { chunkDelayMs: 30 } },
      handler: { keys: [{ key: KEY, maxConcurrent: 1 }] },
    });
    const stream = await handler(request({ headers: auth, json: chatBody({ stream: true }) }));
    expect(stream.status).toBe(200);
    const second = await handler(request({ headers: auth, json: chatBody() }));
    expect(second.status).toBe(429);
    expect(await text(second)).toContain('1 request in flight');
    await text(stream);
    await new Promise((r) => setTimeout(r, 0));
    const third = await handler(request({ headers: auth, json: chatBody() }));
    expect(third.status).toBe(200);
    await text(third);
    const fourth = await handler(request({ headers: auth, json: chatBody() }));
    expect(fourth.status).toBe(200);
  });

  it('a stream the client abandons gives its slot back', async () => {
    const { handler } = setup({
      behaviours: { a: { chunkDelayMs: 30 }, b: { chunkDelayMs: 30 } },
      handler: { keys: [{ key: KEY, maxConcurrent: 1 }] },
    });
    const stream = await handler(request({ headers: auth, json: chatBody({ stream: true }) }));
    const iterator = (stream.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await iterator.next();
    expect((await handler(request({ headers: auth, json: chatBody() }))).status).toBe(429);
    await iterator.return?.();
    await new Promise((r) => setTimeout(r, 0));
    expect((await handler(request({ headers: auth, json: chatBody() }))).status).toBe(200);
  });

  it('a key limited to groups is only served by credentials of those groups', async () => {
    const { handler, mock } = setup({
      credentials: [
        { id: 'a', provider: 'mock', group: 'team-a' },
        { id: 'b', provider: 'mock', group: 'team-b' },
      ],
      handler: { keys: [{ key: KEY, groups: ['team-b'] }] },
    });
    for (let i = 0; i < 4; i++) expect((await handler(request({ headers: auth, json: chatBody() }))).status).toBe(200);
    expect(mock.calls.map((c) => c.credentialId)).toEqual(['b', 'b', 'b', 'b']);
  });
});
