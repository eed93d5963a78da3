import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileClientKeyStore } from '../../src/http/client-keys/file-client-key-store.js';
import { MemoryClientKeyStore } from '../../src/http/client-keys/memory-client-key-store.js';
import type { ClientKeyStore } from '../../src/http/client-keys/types.js';
import { createHandler } from '../../src/http/index.js';
import { attachUsageSink, Manager, MemoryUsageSink, mockExecutor } from '../../src/index.js';
import { createManagementHandler } from '../../src/management/index.js';

const SECRET = 'mgmt-secret-0123456789';
const CONFIG_KEY = 'sk-config-key-0123456789';

function gateway(store: ClientKeyStore, usage?: MemoryUsageSink) {
  const manager = new Manager({
    executors: [mockExecutor()],
    credentials: [
      { id: 'a', provider: 'mock', group: 'team-a' },
      { id: 'b', provider: 'mock', group: 'team-b' },
    ],
  });
  if (usage) attachUsageSink(manager, usage);
  const handler = createHandler(manager, { apiKeys: [CONFIG_KEY], keyStore: store });
  const management = createManagementHandler(manager, {
    secret: SECRET,
    clientKeys: store,
    ...(usage ? { usage } : {}),
  });
  const base = { query: {}, signal: new AbortController().signal, remoteAddress: '127.0.0.1' };
  const manage = async (method: string, path: string, body?: unknown) => {
    const res = await management({
      ...base,
      method,
      path: `/v0/management${path}`,
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = res.body instanceof Uint8Array ? new TextDecoder().decode(res.body) : '';
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };
  const chat = async (key: string) => {
    const res = await handler({
      ...base,
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    return res.status;
  };
  return { manage, chat };
}

describe('management API: client keys', () => {
  it('creates a key shown once, stored as its digest, accepted at once; limits apply; revoked keys are refused', async () => {
    const store = new MemoryClientKeyStore();
    const { manage, chat } = gateway(store);
    const created = await manage('POST', '/api-keys', { name: 'team-b-bot', groups: ['team-b'], rpm: 100 });
    expect(created.status).toBe(201);
    const { key, id, prefix } = created.json;
    expect(key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(key.slice(0, 10));
    expect(created.json.digest).toBeUndefined();
    const [record] = await store.list();
    expect(JSON.stringify(record)).not.toContain(key);

    expect(await chat(key)).toBe(200);
    expect(await chat(CONFIG_KEY)).toBe(200);
    const listed = await manage('GET', '/api-keys');
    expect(listed.json.keys).toEqual([
      expect.objectContaining({ id, name: 'team-b-bot', groups: ['team-b'], rpm: 100 }),
    ]);
    expect(listed.text).not.toContain(key);
    expect((await manage('GET', `/api-keys/${id}`)).json.prefix).toBe(prefix);

    expect((await manage('PATCH', `/api-keys/${id}`, { disabled: true, rpm: null })).json).toMatchObject({
      disabled: true,
    });
    expect((await store.list())[0]!.rpm).toBeUndefined();
    expect(await chat(key)).toBe(401);
    await manage('PATCH', `/api-keys/${id}`, { disabled: false, expiresAt: Date.parse('2020-01-01') });
    expect(await chat(key)).toBe(401);
    await manage('PATCH', `/api-keys/${id}`, { expiresAt: null });
    expect(await chat(key)).toBe(200);

    expect((await manage('DELETE', `/api-keys/${id}`)).status).toBe(204);
    expect(await chat(key)).toBe(401);
    expect((await manage('DELETE', `/api-keys/${id}`)).status).toBe(404);
    expect(await chat(CONFIG_KEY)).toBe(200);
  });

  it('lists each key with what it used today and this month, from the ledger', async () => {
    const { manage, chat } = gateway(new MemoryClientKeyStore(), new MemoryUsageSink());
    const { key, id } = (await manage('POST', '/api-keys', { name: 'reporting' })).json;
    const idle = (await manage('POST', '/api-keys', {})).json;
    for (let i = 0; i < 3; i++) expect(await chat(key)).toBe(200);
    await new Promise((r) => setTimeout(r, 0));
    const listed = (await manage('GET', '/api-keys')).json.keys as Array<{
      id: string;
      usage: { day: { requests: number; tokens: number } };
    }>;
    const used = listed.find((k) => k.id === id)!;
    expect(used.usage.day.requests).toBe(3);
    expect(used.usage.day.tokens).toBeGreaterThan(0);
    expect(listed.find((k) => k.id === idle.id)!.usage.day).toEqual({ requests: 0, tokens: 0, cost: {} });
  });

  it('groups lists the credentials of each group and the keys limited to it', async () => {
    const { manage } = gateway(new MemoryClientKeyStore());
    const { id } = (await manage('POST', '/api-keys', { groups: ['team-b'] })).json;
    const { json } = await manage('GET', '/groups');
    expect(json).toEqual({
      groups: [
        { name: 'team-a', credentials: ['a'], apiKeys: [] },
        { name: 'team-b', credentials: ['b'], apiKeys: [id] },
      ],
      ungrouped: [],
    });
  });

  it('refuses bad limits before storing them, naming the field', async () => {
    const store = new MemoryClientKeyStore();
    const { manage } = gateway(store);
    const badRange = await manage('POST', '/api-keys', { allowedIps: ['10.0.0.0/99'] });
    expect(badRange.status).toBe(400);
    expect(badRange.json.error.param).toBe('allowedIps');
    const unknown = await manage('POST', '/api-keys', { rmp: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("'rmp'");
    expect(await store.list()).toEqual([]);
  });

  it('a key created on one instance is accepted by another following the same file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'switchyard-keys-')), 'client-keys.json');
    const one = gateway(new FileClientKeyStore(path));
    const two = gateway(new FileClientKeyStore(path));
    const other = 'sk-sy-not-created-yet-0123456789';
    expect(await two.chat(other)).toBe(401);
    const { key } = (await one.manage('POST', '/api-keys', { name: 'shared' })).json;
    expect(readFileSync(path, 'utf8')).not.toContain(key);
    const deadline = Date.now() + 5_000;
    let status = await two.chat(key);
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      status = await two.chat(key);
    }
    expect(status).toBe(200);
  });

  it('without a store the routes answer 404', async () => {
    const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'a', provider: 'mock' }] });
    const management = createManagementHandler(manager, { secret: SECRET });
    const res = await management({
      method: 'GET',
      path: '/v0/management/api-keys',
      query: {},
      headers: { authorization: `Bearer ${SECRET}` },
      body: null,
      signal: new AbortController().signal,
      remoteAddress: '127.0.0.1',
    });
    expect(res.status).toBe(404);
  });
});
