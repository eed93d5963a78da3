import { describe, expect, it } from 'vitest';
import { ConfigError, SwitchyardError } from '../../src/core/errors.js';
import { createHandler } from '../../src/http/index.js';
import { chatBody, json, KEY, messagesBody, request, setup } from './helpers.js';

type Body = Record<string, unknown>;

describe('createHandler: authentication fails closed', () => {
  it('refuses to create a handler with no keys, no authenticate and no explicit choice', () => {
    const { manager } = setup();
    for (const options of [undefined, {}, { apiKeys: [] }, { keys: [] }, { allowUnauthenticated: false }]) {
      let thrown: unknown;
      try {
        createHandler(manager, options);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(SwitchyardError.is(thrown) && thrown.code).toBe('SWITCHYARD_CONFIG');
      // The message says how to fix it.
      expect((thrown as Error).message).toMatch(/apiKeys/);
      expect((thrown as Error).message).toContain("allowUnauthenticated: 'loopback'");
      expect((thrown as Error).message).toContain('allowUnauthenticated: true');
    }
  });

  it('refuses a bad allowUnauthenticated value and a bad limit', () => {
    const { manager } = setup();
    expect(() => createHandler(manager, { allowUnauthenticated: 'yes' as unknown as true })).toThrow(ConfigError);
    expect(() => createHandler(manager, { apiKeys: [KEY], maxJsonDepth: 0 })).toThrow(/maxJsonDepth/);
    expect(() => createHandler(manager, { apiKeys: [KEY], maxBodyBytes: Number.NaN })).toThrow(/maxBodyBytes/);
  });

  const forwarding: Array<[string, string]> = [
    ['forwarded', 'for=203.0.113.7;proto=https'],
    ['x-forwarded-for', '203.0.113.7'],
    ['x-real-ip', '203.0.113.7'],
    // Even a proxy claiming the client is local is a proxy.
    ['x-forwarded-for', '127.0.0.1'],
  ];
  it.each(forwarding)(
    "never treats a loopback peer sending %s: %s as loopback in 'loopback' mode",
    async (name, value) => {
      const { handler, mock } = setup({ handler: { allowUnauthenticated: 'loopback' } });
      const res = await handler(
        request({
          path: '/v1/messages',
          json: messagesBody(),
          headers: { 'content-type': 'application/json', [name]: value },
          remoteAddress: '127.0.0.1',
        }),
      );
      expect(res.status).toBe(403);
      const body = await json(res);
      expect(body).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
      expect((body.error as Body).message).toMatch(/X-Forwarded-For/);
      expect(mock.calls).toHaveLength(0);
    },
  );

  it("serves direct loopback peers in 'loopback' mode and everyone with true", async () => {
    const loopback = setup({ handler: { allowUnauthenticated: 'loopback' } }).handler;
    expect((await loopback(request({ json: chatBody(), headers: {}, remoteAddress: '::1' }))).status).toBe(200);
    expect((await loopback(request({ json: chatBody(), headers: {}, remoteAddress: '10.0.0.2' }))).status).toBe(403);
    const open = setup({ handler: { allowUnauthenticated: true } }).handler;
    const forwarded = request({
      json: chatBody(),
      headers: { 'x-forwarded-for': '203.0.113.7' },
      remoteAddress: '10.0.0.2',
    });
    expect((await open(forwarded)).status).toBe(200);
  });

  it('keeps keys in force when an update would remove them all, and says so', async () => {
    const { handler } = setup({ handler: { apiKeys: [KEY], allowUnauthenticated: 'loopback' } });
    for (const settings of [
      { apiKeys: [] },
      { apiKeys: [], keys: [] },
      { apiKeys: [], allowUnauthenticated: true as const },
    ]) {
      expect(() => handler.update(settings)).toThrow(ConfigError);
      expect(() => handler.update(settings)).toThrow(/remove every client API key/);
    }
    // The old key still works and nobody else gets in, not even a loopback peer without a key.
    expect((await handler(request({ json: chatBody() }))).status).toBe(200);
    expect((await handler(request({ json: chatBody(), headers: {}, remoteAddress: '127.0.0.1' }))).status).toBe(401);
    // Replacing the keys is fine.
    handler.update({ apiKeys: ['sk-new'] });
    expect((await handler(request({ json: chatBody(), headers: { authorization: 'Bearer sk-new' } }))).status).toBe(
      200,
    );
  });

  it('keeps authenticate in force when an update would remove it with no key left', async () => {
    const { handler } = setup({ handler: { authenticate: () => ({ principal: 'p' }) } });
    expect(() => handler.update({ authenticate: undefined })).toThrow(ConfigError);
    expect((await handler(request({ json: chatBody(), headers: {}, remoteAddress: '10.0.0.2' }))).status).toBe(200);
  });

  it('keeps the old settings when an update is invalid', async () => {
    const { handler } = setup();
    expect(() => handler.update({ maxJsonDepth: -1 })).toThrow(ConfigError);
    expect((await handler(request({ json: chatBody() }))).status).toBe(200);
  });
});

describe('client keys that are not keys', () => {
  it('refuses an unset, empty or blank configured key at once, saying which and why', async () => {
    const { createHandler } = await import('../../src/http/index.js');
    const { Manager, mockExecutor, ConfigError } = await import('../../src/index.js');
    const manager = new Manager({
      executors: [mockExecutor()],
      credentials: [{ id: 'a', provider: 'mock', apiKey: 'x' }],
    });
    const unset = process.env.SWITCHYARD_TEST_SURELY_UNSET as string;
    expect(() => createHandler(manager, { apiKeys: ['good-key', unset] })).toThrow(ConfigError);
    expect(() => createHandler(manager, { apiKeys: ['good-key', unset] })).toThrow(
      /apiKeys\[1\] is undefined.*environment variable/,
    );
    expect(() => createHandler(manager, { apiKeys: [''] })).toThrow(/apiKeys\[0\] is empty/);
    expect(() => createHandler(manager, { keys: [{ key: '  ', principal: 'p' }] })).toThrow(/keys\[0\]\.key is blank/);
  });
});
