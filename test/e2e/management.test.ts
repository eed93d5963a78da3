import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway, stopAllGateways } from './gateway.js';

const SECRET = 'mgmt-e2e-secret-0123456789';
const CLIENT_KEY = 'sk-e2e-client-aaaaaaaaaaaa';
const NEW_KEY = 'sk-e2e-client-bbbbbbbbbbbb';

afterAll(async () => {
  await stopAllGateways();
});

const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('switchyard serve: the management API', () => {
  it('is off without a secret, and the banner says how to turn it on', async () => {
    const gateway = await startGateway({ mock: true, 'api-keys': [CLIENT_KEY] });
    expect(gateway.stdout()).toContain('management:  off (set remote-management.secret-key');
    const res = await fetch(`${gateway.url}/v0/management/status`, { headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(404);
  });

  it('serves status beside the client routes, and PUT config applies a good file and refuses a bad one whole', async () => {
    const config = { mock: true, 'api-keys': [CLIENT_KEY], 'remote-management': { 'secret-key': SECRET } };
    const gateway = await startGateway(config);
    expect(gateway.stdout()).toContain('management:  /v0/management (loopback peers only)');
    const auth = { authorization: `Bearer ${SECRET}` };

    const status = await fetch(`${gateway.url}/v0/management/status`, { headers: auth });
    expect(status.status).toBe(200);
    const body = (await status.json()) as { credentials: Array<{ id: string }> };
    expect(body.credentials.map((c) => c.id)).toEqual(['mock-1', 'mock-2']);
    expect((await fetch(`${gateway.url}/v0/management/status`)).status).toBe(401);
    expect((await chat(gateway.url, CLIENT_KEY)).status).toBe(200);

    const shown = (await (await fetch(`${gateway.url}/v0/management/config`, { headers: auth })).json()) as {
      yaml: string;
    };
    expect(shown.yaml).not.toContain(SECRET);
    expect(shown.yaml).not.toContain(CLIENT_KEY);

    const before = readFileSync(gateway.configPath, 'utf8');
    const put = (text: string) =>
      fetch(`${gateway.url}/v0/management/config`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/yaml' },
        body: text,
      });
    const bad = await put(`${before}bogus-key: 1\n`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('bogus-key');
    expect(readFileSync(gateway.configPath, 'utf8')).toBe(before);
    // The masked file sent back keeps its secrets; a mask where there is no secret is refused by path.
    const masked = await put(shown.yaml);
    expect(masked.status).toBe(200);
    expect(readFileSync(gateway.configPath, 'utf8')).toContain(CLIENT_KEY);
    expect((await chat(gateway.url, CLIENT_KEY)).status).toBe(200);
    const stray = await put(`${shown.yaml.trimEnd()}\nclaude-api-key:\n  - api-key: sk-a…1234\n`);
    expect(stray.status).toBe(400);
    expect(((await stray.json()) as { error: { message: string } }).error.message).toMatch(
      /^claude-api-key\.0\.api-key \(line \d+\): a masked value/,
    );
    expect((await chat(gateway.url, NEW_KEY)).status).toBe(401);
    const kept = readFileSync(gateway.configPath, 'utf8');

    const next = kept.replace(`- ${CLIENT_KEY}`, `- ${CLIENT_KEY}\n  - ${NEW_KEY}`);
    expect(next).not.toBe(kept);
    const good = await put(next);
    expect(good.status).toBe(200);
    expect(readFileSync(gateway.configPath, 'utf8')).toBe(next);
    expect((await chat(gateway.url, NEW_KEY)).status).toBe(200);
  });

  it('a client key created through the API works at once and after a restart', async () => {
    const config = { mock: true, 'api-keys': [CLIENT_KEY], 'remote-management': { 'secret-key': SECRET } };
    const gateway = await startGateway(config);
    const created = await fetch(`${gateway.url}/v0/management/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci-bot', models: ['mock-*'] }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    expect((await chat(gateway.url, key)).status).toBe(200);
    expect(readFileSync(join(dirname(gateway.configPath), 'client-keys.json'), 'utf8')).not.toContain(key);
  });

  it('every GET route in the OpenAPI document answers over HTTP, and no body holds a secret', async () => {
    const providerKey = 'sk-ant-e2e-secret-provider-key-0123';
    const config = {
      'api-keys': [CLIENT_KEY],
      'remote-management': { 'secret-key': SECRET },
      'claude-api-key': [{ 'api-key': providerKey, id: 'claude-1', 'base-url': 'http://127.0.0.1:9' }],
    };
    const gateway = await startGateway(config);
    const auth = { authorization: `Bearer ${SECRET}` };
    const doc = (await (await fetch(`${gateway.url}/v0/management/openapi.json`, { headers: auth })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const gets = Object.entries(doc.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([path]) => path.replace('{id}', path.startsWith('/v0/management/credentials') ? 'claude-1' : 'none'));
    expect(gets.length).toBeGreaterThanOrEqual(9);
    for (const path of gets) {
      const res = await fetch(`${gateway.url}${path}`, { headers: auth });
      const text = await res.text();
      if (path.endsWith('/oauth/callback')) {
        // The browser's return from a sign-in: without a login's code and state it is refused.
        expect(res.status, path).toBe(400);
      } else {
        expect([200, 404], `${path}: ${res.status} ${text.slice(0, 200)}`).toContain(res.status);
        if (!path.endsWith('/none')) expect(res.status, path).toBe(200);
      }
      for (const secret of [providerKey, SECRET, CLIENT_KEY]) expect(text, path).not.toContain(secret);
    }
  });
});
