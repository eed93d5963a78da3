// A gateway built from a config with oauth-profiles: a login started through its management API
// lands in the auth directory and serves at once.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromConfig } from '../../src/config/from-config.js';
import type { CoreRequest } from '../../src/http/types.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { approve } from './helpers.js';

const SECRET = 'mgmt-secret-0123456789';
let fake: FakeOidc;
let dir: string;

beforeAll(async () => {
  fake = await startFakeOidc();
  dir = await mkdtemp(join(tmpdir(), 'sy-oauth-config-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function request(method: string, path: string, body?: unknown, query = ''): CoreRequest {
  return {
    method,
    path,
    query: new URLSearchParams(query),
    headers: {
      host: 'gw.test:8317',
      authorization: `Bearer ${SECRET}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body)),
    signal: new AbortController().signal,
    remoteAddress: '127.0.0.1',
  };
}

function parse(response: { body: unknown }): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(response.body as Uint8Array)) as Record<string, unknown>;
}

it('logs in through the management API and saves to the auth directory', async () => {
  const path = join(dir, 'config.yaml');
  await writeFile(
    path,
    `auth-dir: ${join(dir, 'auths')}
remote-management:
  secret-key: ${SECRET}
  dashboard: false
oauth-profiles:
  corp:
    issuer: ${fake.issuer}
    client-id: cli-app
    scopes: [openid, email, offline_access]
    flow: authorization_code
    provider: openai
    base-url: ${fake.issuer}/v1
`,
  );
  const app = await fromConfig(path, { env: {}, watch: false, defaultUsageSink: 'memory' });
  try {
    const profiles = parse(await app.management(request('GET', '/v0/management/oauth/profiles')));
    expect(profiles).toEqual({ profiles: [{ name: 'corp', flow: 'authorization_code', provider: 'openai' }] });
    const started = await app.management(request('POST', '/v0/management/oauth/flows', { profile: 'corp' }));
    expect(started.status).toBe(201);
    const flow = parse(started) as { id: string; authorizationUrl: string };
    const callback = await approve(flow.authorizationUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe('http://gw.test:8317/v0/management/oauth/callback');
    const page = await app.management({
      ...request('GET', callback.pathname, undefined, callback.search.slice(1)),
      headers: { host: 'gw.test:8317' },
    });
    expect(page.status).toBe(200);
    const done = parse(await app.management(request('GET', `/v0/management/oauth/flows/${flow.id}`)));
    expect(done).toMatchObject({ state: 'succeeded', credentialId: 'corp-ann-example.com' });
    const file = JSON.parse(await readFile(join(dir, 'auths', 'openai', 'corp-ann-example.com.json'), 'utf8'));
    expect(file.oauth.refreshToken).toBe(fake.refreshTokens.at(-1));
    // Only the login serves: no mock credentials were added to a config that has none.
    expect(app.manager.credentials().map((c) => c.id)).toEqual(['corp-ann-example.com']);
  } finally {
    await app.close({ graceMs: 0 });
  }
});
