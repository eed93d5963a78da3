import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/adapters/node/index.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { createManagementHandler, type ManagementHandler } from '../../src/management/index.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { OAuthFlows, type OAuthProfile } from '../../src/oauth/index.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { approve, corpProfile, recordingLogger } from '../oauth/helpers.js';

const SECRET = 'mgmt-secret-0123456789';
const SVC_SECRET = 'svc-secret-0123456789abcdef';
const BASE = '/v0/management';

let fake: FakeOidc;
let manager: Manager;
let handler: ManagementHandler;
let server: Server;
let origin: string;
let logger: ReturnType<typeof recordingLogger>;

function profiles(): OAuthProfile[] {
  return [
    corpProfile(fake.issuer, { label: 'Corp gateway' }),
    {
      name: 'svc',
      issuer: fake.issuer,
      clientId: 'svc-app',
      clientSecret: SVC_SECRET,
      flow: 'client_credentials',
      provider: 'openai',
      baseUrl: `${fake.issuer}/v1`,
    },
  ];
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin}${BASE}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${SECRET}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

async function serve(oauth: Parameters<typeof createManagementHandler>[1]) {
  handler = createManagementHandler(manager, { secret: SECRET, logger, ...oauth });
  server = createServer(createNodeListener(handler));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  fake = await startFakeOidc({ clients: [{ id: 'cli-app' }, { id: 'svc-app', secret: SVC_SECRET }] });
});
afterAll(() => fake.close());
beforeEach(async () => {
  logger = recordingLogger();
  manager = new Manager({ store: new MemoryTokenStore(), executors: [openaiExecutor()], logger });
  await manager.start();
  return async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await manager.close();
  };
});

describe('management OAuth routes', () => {
  it('lists the profiles', async () => {
    await serve({ oauth: profiles() });
    const { status, json } = await call('GET', '/oauth/profiles');
    expect(status).toBe(200);
    expect(json).toEqual({
      profiles: [
        { name: 'corp', flow: 'authorization_code', provider: 'openai', label: 'Corp gateway' },
        { name: 'svc', flow: 'client_credentials', provider: 'openai' },
      ],
    });
  });

  it('runs an authorization-code login whose callback lands on the gateway, and the credential serves', async () => {
    await serve({ oauth: profiles() });
    const started = await call('POST', '/oauth/flows', { profile: 'corp' });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ profile: 'corp', flow: 'authorization_code', state: 'pending' });
    expect(Date.parse(started.json.expiresAt)).toBeGreaterThan(Date.now());
    const redirect = new URL(started.json.authorizationUrl).searchParams.get('redirect_uri');
    expect(redirect).toBe(`${origin}${BASE}/oauth/callback`);
    const callback = await approve(started.json.authorizationUrl);
    // The browser carries no management secret: the state authenticates the callback.
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Signed in, you can close this window');
    const again = await fetch(callback);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('unknown, expired or already used');

    const flow = await call('GET', `/oauth/flows/${started.json.id}`);
    expect(flow.json).toMatchObject({ state: 'succeeded', credentialId: 'corp-ann-example.com' });
    const list = await call('GET', '/credentials');
    const view = list.json.credentials.find((c: { id: string }) => c.id === 'corp-ann-example.com');
    expect(view).toMatchObject({ kind: 'oauth', provider: 'openai', state: { kind: 'oauth', available: true } });
    expect(view.state.expiresAt).toBeGreaterThan(Date.now());
    expect(view.state.lastRefreshAt).toBeLessThanOrEqual(Date.now());
    expect(list.text).not.toContain(fake.accessTokens.at(-1));
    expect(list.text).not.toContain(fake.refreshTokens.at(-1));
    const result = await manager.execute({
      dialect: 'openai-chat',
      body: { model: 'corp-model', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(result.status).toBe(200);
    expect(fake.apiCalls.at(-1)).toBe(fake.accessTokens.at(-1));
    for (const s of [...fake.accessTokens, ...fake.refreshTokens, SVC_SECRET]) {
      expect(logger.lines.join('\n')).not.toContain(s);
    }
  });

  it('refuses a callback with an unknown state, and a remote peer without remote management', async () => {
    await serve({ oauth: profiles() });
    const page = await fetch(`${origin}${BASE}/oauth/callback?code=x&state=nope`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Sign-in refused');
    const remote = await handler({
      method: 'GET',
      path: `${BASE}/oauth/callback`,
      query: new URLSearchParams({ code: 'x', state: 'nope' }),
      headers: {},
      body: undefined,
      signal: new AbortController().signal,
      remoteAddress: '10.1.2.3',
    });
    expect(remote.status).toBe(403);
    // Every other OAuth route needs the secret.
    expect((await call('GET', '/oauth/profiles', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('finishes with a pasted redirect URL, cancels, and keeps a finished login’s state', async () => {
    await serve({ oauth: profiles() });
    const a = (await call('POST', '/oauth/flows', { profile: 'corp' })).json;
    const callback = await approve(a.authorizationUrl);
    const pasted = await call('POST', `/oauth/flows/${a.id}/code`, { url: callback.href });
    expect(pasted.status).toBe(200);
    expect(pasted.json).toMatchObject({ id: a.id, state: 'succeeded' });
    expect((await call('DELETE', `/oauth/flows/${a.id}`)).json).toMatchObject({ id: a.id, state: 'succeeded' });
    const b = (await call('POST', '/oauth/flows', { profile: 'corp' })).json;
    expect((await call('DELETE', `/oauth/flows/${b.id}`)).json).toMatchObject({ id: b.id, state: 'cancelled' });
    expect((await call('POST', `/oauth/flows/${b.id}/code`, { code: 'abc' })).status).toBe(400);
    expect((await call('POST', `/oauth/flows/${b.id}/code`, {})).status).toBe(400);
  });

  it('answers 404 for an unknown profile or login, 400 for a bad body, 429 beyond the cap', async () => {
    const flows = new OAuthFlows({ profiles: profiles(), save: (c) => manager.addCredential(c), maxPending: 1 });
    await serve({ oauth: flows });
    const unknown = await call('POST', '/oauth/flows', { profile: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('known: corp, svc');
    expect((await call('POST', '/oauth/flows', { profil: 'corp' })).status).toBe(400);
    expect((await call('GET', '/oauth/flows/does-not-exist')).status).toBe(404);
    expect((await call('DELETE', '/oauth/flows/does-not-exist')).status).toBe(404);
    expect((await call('POST', '/oauth/flows', { profile: 'corp' })).status).toBe(201);
    const over = await call('POST', '/oauth/flows', { profile: 'corp' });
    expect(over.status).toBe(429);
  });

  it('finishes a client-credentials login at once', async () => {
    await serve({ oauth: profiles() });
    const { status, json } = await call('POST', '/oauth/flows', { profile: 'svc' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ state: 'succeeded', credentialId: 'svc-svc-app' });
    expect(manager.credentials().map((c) => c.id)).toContain('svc-svc-app');
  });

  it('shows a device login’s code and its success', async () => {
    const flows = new OAuthFlows({
      profiles: [{ ...profiles()[0]!, name: 'corp-device', flow: 'device' }],
      save: (c) => manager.addCredential(c),
      sleep: async () => {},
    });
    await serve({ oauth: flows });
    const { status, json } = await call('POST', '/oauth/flows', { profile: 'corp-device' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ flow: 'device', state: 'pending', userCode: 'WDJB-MJHT', interval: 1 });
    expect(json.verificationUri).toBe(`${fake.issuer}/activate`);
    await flows.wait(json.id);
    expect((await call('GET', `/oauth/flows/${json.id}`)).json).toMatchObject({
      state: 'succeeded',
      credentialId: 'corp-device-ann-example.com',
    });
  });

  it('documents the routes in the OpenAPI document, the callback without security', async () => {
    await serve({ oauth: profiles() });
    const { json } = await call('GET', '/openapi.json');
    for (const path of [
      '/oauth/profiles',
      '/oauth/flows',
      '/oauth/flows/{id}',
      '/oauth/flows/{id}/code',
      '/oauth/callback',
    ]) {
      expect(json.paths[`${BASE}${path}`]).toBeDefined();
    }
    expect(json.paths[`${BASE}/oauth/callback`].get.security).toEqual([]);
    expect(json.paths[`${BASE}/oauth/flows`].post.responses['201']).toBeDefined();
    expect(json.components.schemas.OAuthFlow).toBeDefined();
  });
});
