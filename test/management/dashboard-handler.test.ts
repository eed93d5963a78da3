import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CoreRequest, CoreResponse } from '../../src/http/types.js';
import { Manager, mockExecutor } from '../../src/index.js';
import { pickEncoding } from '../../src/management/dashboard/serve-asset.js';
import { createDashboardHandler, type DashboardBundle } from '../../src/management/index.js';

const SECRET = 'dash-secret-0123456789';

function file(text: string, type: string) {
  const raw = Buffer.from(text);
  return {
    type,
    raw: raw.toString('base64'),
    gzip: gzipSync(raw).toString('base64'),
    br: brotliCompressSync(raw).toString('base64'),
    gzipBytes: 0,
  };
}

const BUNDLE: DashboardBundle = {
  index: file('<!doctype html><script type="module" src="assets/app.ABC.js"></script>', 'text/html; charset=utf-8'),
  assets: { 'app.ABC.js': file('console.log(1)', 'text/javascript; charset=utf-8') },
};

function setup(options: { allowRemote?: boolean; secureCookie?: boolean; now?: () => number; secret?: string } = {}) {
  const manager = new Manager({
    executors: [mockExecutor()],
    credentials: [
      { id: 'm1', provider: 'mock' },
      { id: 'm2', provider: 'mock' },
    ],
  });
  const handler = createDashboardHandler(manager, { secret: SECRET, bundle: BUNDLE, ...options });
  const call = async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
    remoteAddress = '127.0.0.1',
  ) => {
    const request: CoreRequest = {
      method,
      path,
      query: {},
      headers: { host: 'gw.test', ...headers },
      body: body === undefined ? null : JSON.stringify(body),
      signal: new AbortController().signal,
      remoteAddress,
    };
    const res = await handler(request);
    return { ...res, text: bodyText(res) };
  };
  const login = async (secret = SECRET) => {
    const res = await call('POST', '/manage/login', { 'content-type': 'application/json' }, { secret });
    const cookie = res.headers['set-cookie']?.split(';')[0] ?? '';
    return { res, cookie, csrf: res.status === 200 ? (JSON.parse(res.text).csrf as string) : '' };
  };
  return { handler, call, login, manager };
}

function bodyText(res: CoreResponse): string {
  return res.body instanceof Uint8Array ? Buffer.from(res.body).toString('utf8') : '';
}

describe('createDashboardHandler: the page', () => {
  it('serves index.html uncached and hashed assets immutable, under a strict CSP', async () => {
    const { call } = setup();
    const redirect = await call('GET', '/manage');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe('/manage/');
    const index = await call('GET', '/manage/');
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.text).toContain('assets/app.ABC.js');
    const csp = index.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const asset = await call('GET', '/manage/assets/app.ABC.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.text).toBe('console.log(1)');
    expect((await call('GET', '/manage/assets/app.OTHER.js')).status).toBe(404);
  });

  it('negotiates br, gzip or identity and says so', async () => {
    const { call } = setup();
    const gz = await call('GET', '/manage/assets/app.ABC.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body as Uint8Array).toString()).toBe('console.log(1)');
    const br = await call('GET', '/manage/assets/app.ABC.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('*;q=0')).toBe('identity');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding(undefined)).toBe('identity');
  });

  it('is off without a secret', async () => {
    const { call } = setup({ secret: '' });
    expect((await call('GET', '/manage/')).status).toBe(404);
  });
});

describe('createDashboardHandler: sessions', () => {
  it('refuses a wrong secret and exchanges the right one for an HttpOnly SameSite=Strict cookie', async () => {
    const { login } = setup();
    const wrong = await login('nope');
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.headers['set-cookie']).toBeUndefined();
    const { res, cookie, csrf } = await login();
    expect(res.status).toBe(200);
    const set = res.headers['set-cookie']!;
    expect(set).toMatch(/^switchyard_session=[A-Za-z0-9_-]{40,};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).toMatch(/Max-Age=28800/);
    expect(set).not.toContain('Secure');
    expect(csrf.length).toBeGreaterThan(20);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain(cookie.split('=')[1]);
  });

  it('marks the cookie Secure when told the page is on TLS', async () => {
    const { login } = setup({ secureCookie: true });
    expect((await login()).res.headers['set-cookie']).toContain('; Secure');
  });

  it('the management API takes the cookie for reads, and for writes only with the CSRF token from the same origin', async () => {
    const { call, login } = setup();
    const { cookie, csrf } = await login();
    expect((await call('GET', '/v0/management/status')).status).toBe(401);
    expect((await call('GET', '/v0/management/status', { cookie })).status).toBe(200);
    const disable = (headers: Record<string, string>) =>
      call('POST', '/v0/management/credentials/m1/disable', { cookie, ...headers });
    const noToken = await disable({});
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('CSRF');
    expect((await disable({ 'x-csrf-token': 'x'.repeat(csrf.length) })).status).toBe(403);
    expect((await disable({ 'x-csrf-token': csrf, origin: 'https://evil.test' })).status).toBe(403);
    expect((await disable({ 'x-csrf-token': csrf, origin: 'http://gw.test' })).status).toBe(200);
    const session = await call('GET', '/manage/session', { cookie });
    expect(JSON.parse(session.text)).toMatchObject({ csrf, api: '/v0/management' });
  });

  it('expires, logs out, and refuses a login cross-origin or as a form post', async () => {
    let now = 1_000_000;
    const { call, login } = setup({ now: () => now });
    const { cookie, csrf } = await login();
    expect((await call('POST', '/manage/logout', { cookie })).status).toBe(403);
    expect((await call('POST', '/manage/logout', { cookie, 'x-csrf-token': csrf })).status).toBe(204);
    expect((await call('GET', '/v0/management/status', { cookie })).status).toBe(401);
    const again = await login();
    now += 8 * 3_600_000;
    expect((await call('GET', '/v0/management/status', { cookie: again.cookie })).status).toBe(401);
    const form = await call(
      'POST',
      '/manage/login',
      { 'content-type': 'application/x-www-form-urlencoded' },
      { secret: SECRET },
    );
    expect(form.status).toBe(415);
    const cross = await call(
      'POST',
      '/manage/login',
      { 'content-type': 'application/json', origin: 'https://evil.test' },
      { secret: SECRET },
    );
    expect(cross.status).toBe(403);
  });

  it('refuses a session from a peer that is not loopback unless remote management is allowed', async () => {
    const local = setup();
    const { cookie } = await local.login();
    const remote = await local.call('GET', '/v0/management/status', { cookie }, undefined, '10.1.2.3');
    expect(remote.status).toBe(403);
    const remoteLogin = await local.call(
      'POST',
      '/manage/login',
      { 'content-type': 'application/json' },
      { secret: SECRET },
      '10.1.2.3',
    );
    expect(remoteLogin.status).toBe(403);
    const open = setup({ allowRemote: true });
    const r = await open.call(
      'POST',
      '/manage/login',
      { 'content-type': 'application/json' },
      { secret: SECRET },
      '10.1.2.3',
    );
    expect(r.status).toBe(200);
  });

  it('backs off after repeated wrong secrets, shared with the bearer check', async () => {
    const { call, login } = setup();
    for (let i = 0; i < 5; i++) expect((await login('wrong')).res.status).toBe(401);
    expect((await login()).res.status).toBe(429);
    expect((await call('GET', '/v0/management/status', { authorization: `Bearer ${SECRET}` })).status).toBe(429);
  });
});

describe('createDashboardHandler: a stale session', () => {
  it('is refused with 401 without counting towards the back-off, so logging in again works', async () => {
    const { call, login } = setup();
    const stale = { cookie: 'switchyard_session=from-before-a-restart' };
    for (let i = 0; i < 12; i++) expect((await call('GET', '/v0/management/status', stale)).status).toBe(401);
    expect((await call('GET', '/manage/session', stale)).status).toBe(401);
    expect((await login()).res.status).toBe(200);
  });
});

describe('management playground route', () => {
  it('answers in the caller dialect and says which credential served it', async () => {
    const { call, login } = setup();
    const { cookie, csrf } = await login();
    const res = await call(
      'POST',
      '/v0/management/playground',
      { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      { dialect: 'openai-chat', body: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] } },
    );
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-credential']).toMatch(/^m[12]$/);
    expect(res.headers['x-switchyard-provider']).toBe('mock');
    expect(JSON.parse(res.text).choices[0].message.role).toBe('assistant');
    const providers = await call('GET', '/v0/management/providers', { cookie });
    expect(JSON.parse(providers.text).providers).toContain('mock');
  });

  it('serves with the forced credential only, and says so when it does not serve the model', async () => {
    const { call, login } = setup();
    const { cookie, csrf } = await login();
    const send = (extra: Record<string, unknown>) =>
      call(
        'POST',
        '/v0/management/playground',
        { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        {
          dialect: 'openai-chat',
          body: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
          ...extra,
        },
      );
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) served.add((await send({ credentialId: 'm2' })).headers['x-switchyard-credential']!);
    expect([...served]).toEqual(['m2']);
    const unserved = new Set<string>();
    for (let i = 0; i < 4; i++) unserved.add((await send({})).headers['x-switchyard-credential']!);
    expect(unserved.size).toBe(2);
    const missing = await send({ credentialId: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("not served by the credential 'nope'");
  });
});
