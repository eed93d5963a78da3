import { readFileSync } from 'node:fs';
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
    const masked = await put(shown.yaml);
    expect(masked.status).toBe(400);
    expect(readFileSync(gateway.configPath, 'utf8')).toBe(before);
    expect((await chat(gateway.url, NEW_KEY)).status).toBe(401);

    const next = before.replace(`- ${CLIENT_KEY}`, `- ${CLIENT_KEY}\n  - ${NEW_KEY}`);
    expect(next).not.toBe(before);
    const good = await put(next);
    expect(good.status).toBe(200);
    expect(readFileSync(gateway.configPath, 'utf8')).toBe(next);
    expect((await chat(gateway.url, NEW_KEY)).status).toBe(200);
  });
});
