import { describe, expect, it } from 'vitest';
import { ConfigError, type Credential, Manager, mockExecutor } from '../../src/index.js';
import { createManagementHandler, type ManagementOptions, maskSecret } from '../../src/management/index.js';

const SECRET = 'mgmt-secret-0123456789';
const KEY_A = 'sk-live-aaaaaaaaaaaaaaaaaaaa-1111';
const KEY_B = 'sk-live-bbbbbbbbbbbbbbbbbbbb-2222';

function setup(options: ManagementOptions = {}, credentials?: Credential[]) {
  const mock = mockExecutor({ behaviours: {} });
  const clock = { now: 1_700_000_000_000 };
  const manager = new Manager({
    executors: [mock],
    credentials: credentials ?? [
      { id: 'a', provider: 'mock', apiKey: KEY_A, label: 'first', headers: { 'x-tenant': 'tenant-secret-value-99' } },
      { id: 'b', provider: 'mock', apiKey: KEY_B },
    ],
    now: () => clock.now,
  });
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const log = (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg });
  const logger = { debug: log, info: log, warn: log, error: log };
  const handler = createManagementHandler(manager, { secret: SECRET, logger, now: () => clock.now, ...options });
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; remoteAddress?: string; key?: string | null } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key !== null) headers.authorization = `Bearer ${init.key ?? SECRET}`;
    let body: Uint8Array | undefined;
    if (init.body !== undefined) {
      body = new TextEncoder().encode(typeof init.body === 'string' ? init.body : JSON.stringify(init.body));
      headers['content-type'] ??= 'application/json';
    }
    const [pathname, search] = path.split('?');
    const response = await handler({
      method,
      path: pathname!,
      query: new URLSearchParams(search ?? ''),
      headers,
      body,
      signal: new AbortController().signal,
      remoteAddress: init.remoteAddress ?? '127.0.0.1',
    });
    const text = response.body instanceof Uint8Array ? new TextDecoder().decode(response.body) : '';
    return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
  };
  return { manager, handler, call, clock, lines };
}

describe('management API: access', () => {
  it('without a secret every route is 404 and nothing is claimed for fall-through', async () => {
    const { call, handler } = setup({ secret: '' });
    for (const path of ['/v0/management/status', '/v0/management/openapi.json', '/v0/management/credentials']) {
      expect((await call('GET', path)).status).toBe(404);
    }
    expect(handler.handles('/v0/management/status')).toBe(false);
  });

  it('takes the secret as Bearer or x-management-key, refuses a missing or wrong one with 401', async () => {
    const { call, handler } = setup();
    expect(handler.handles('/v0/management/status')).toBe(true);
    expect(handler.handles('/v1/chat/completions')).toBe(false);
    expect((await call('GET', '/v0/management/status')).status).toBe(200);
    const viaHeader = await call('GET', '/v0/management/status', {
      key: null,
      headers: { 'x-management-key': SECRET },
    });
    expect(viaHeader.status).toBe(200);
    const missing = await call('GET', '/v0/management/status', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.json.error.type).toBe('unauthorized');
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const wrong = await call('GET', '/v0/management/status', { key: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toContain('wrong');
  });

  it('serves loopback peers only unless remote management is allowed; a forwarded request is remote', async () => {
    const local = setup();
    const remote = await local.call('GET', '/v0/management/status', { remoteAddress: '10.1.2.3' });
    expect(remote.status).toBe(403);
    expect(remote.json.error.message).toContain('allow-remote');
    const forwarded = await local.call('GET', '/v0/management/status', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(forwarded.status).toBe(403);

    const open = setup({ allowRemote: true });
    expect((await open.call('GET', '/v0/management/status', { remoteAddress: '10.1.2.3' })).status).toBe(200);
    expect((await open.call('GET', '/v0/management/status', { remoteAddress: '10.1.2.3', key: 'x' })).status).toBe(401);
  });

  it('an address that keeps failing waits, longer each time; others are not affected; success resets', async () => {
    const { call, clock } = setup({ allowRemote: true });
    const from = (remoteAddress: string, key?: string) => call('GET', '/v0/management/status', { remoteAddress, key });
    for (let i = 0; i < 4; i++) expect((await from('10.0.0.1', 'bad')).status).toBe(401);
    expect((await from('10.0.0.1', 'bad')).status).toBe(401);
    const blocked = await from('10.0.0.1');
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('1');
    expect((await from('10.0.0.2')).status).toBe(200);
    clock.now += 1_000;
    expect((await from('10.0.0.1', 'bad')).status).toBe(401);
    const longer = await from('10.0.0.1');
    expect(longer.status).toBe(429);
    expect(longer.headers['retry-after']).toBe('2');
    clock.now += 2_000;
    expect((await from('10.0.0.1')).status).toBe(200);
    expect((await from('10.0.0.1', 'bad')).status).toBe(401);
    expect((await from('10.0.0.1')).status).toBe(200);
  });

  it('unknown routes are 404, a known path with another method is 405 with allow', async () => {
    const { call } = setup();
    const unknown = await call('GET', '/v0/management/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.type).toBe('not_found');
    const method = await call('PUT', '/v0/management/credentials/a');
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe('GET, PATCH, DELETE');
  });
});

describe('management API: status and credentials', () => {
  it('status reports version, uptime and every credential with its cooldowns', async () => {
    const { call, manager, clock } = setup();
    await manager.state.setCooldown({
      credentialId: 'a',
      model: 'mock-model',
      until: clock.now + 60_000,
      reason: 'rate_limited',
      strikes: 1,
    });
    clock.now += 5_000;
    const { status, json } = await call('GET', '/v0/management/status');
    expect(status).toBe(200);
    expect(json.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(json.uptimeSeconds).toBe(5);
    expect(json.credentials.map((c: { id: string }) => c.id)).toEqual(['a', 'b']);
    expect(json.credentials[0].cooldowns).toEqual([
      { model: 'mock-model', reason: 'rate_limited', until: clock.now + 55_000 },
    ]);
  });

  it('lists and gets credentials with every secret masked, nowhere in any body in full', async () => {
    const { call } = setup();
    const list = await call('GET', '/v0/management/credentials');
    expect(list.status).toBe(200);
    const a = list.json.credentials.find((c: { id: string }) => c.id === 'a');
    expect(a.apiKey).toBe(maskSecret(KEY_A));
    expect(a.apiKey).toBe('sk-l…1111');
    expect(a.headers['x-tenant']).toBe(maskSecret('tenant-secret-value-99'));
    expect(a.state.available).toBe(true);
    const one = await call('GET', '/v0/management/credentials/a');
    expect(one.json.label).toBe('first');
    for (const path of ['/credentials', '/credentials/a', '/credentials/b', '/status', '/models', '/openapi.json']) {
      const { text } = await call('GET', `/v0/management${path}`);
      for (const secret of [KEY_A, KEY_B, 'tenant-secret-value-99', SECRET]) expect(text).not.toContain(secret);
    }
    expect((await call('GET', '/v0/management/credentials/zzz')).status).toBe(404);
  });

  it('adds a credential that is routed at once; a duplicate id is 409, a bad or unknown field 400 naming it', async () => {
    const { call, manager } = setup();
    const added = await call('POST', '/v0/management/credentials', {
      body: { id: 'c', provider: 'mock', apiKey: 'sk-new-cccccccccccccccc-3333' },
    });
    expect(added.status).toBe(201);
    expect(added.json.apiKey).toBe('sk-n…3333');
    expect(manager.credentials().map((c) => c.id)).toContain('c');
    expect(await manager.store.get('c')).toMatchObject({ apiKey: 'sk-new-cccccccccccccccc-3333' });

    const again = await call('POST', '/v0/management/credentials', {
      body: { id: 'c', provider: 'mock', apiKey: 'x' },
    });
    expect(again.status).toBe(409);
    const typo = await call('POST', '/v0/management/credentials', { body: { id: 'd', provider: 'mock', apikey: 'x' } });
    expect(typo.status).toBe(400);
    expect(typo.json.error.message).toContain("'apikey'");
    const bad = await call('POST', '/v0/management/credentials', { body: { id: 'd', provider: 'mock', weight: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('weight');
    const notJson = await call('POST', '/v0/management/credentials', { body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('updates fields, keeps a masked secret sent back as shown, removes a field set to null', async () => {
    const { call, manager } = setup();
    const shown = (await call('GET', '/v0/management/credentials/a')).json;
    const patched = await call('PATCH', '/v0/management/credentials/a', {
      body: { label: null, priority: 5, apiKey: shown.apiKey, headers: shown.headers },
    });
    expect(patched.status).toBe(200);
    const stored = manager.credentials().find((c) => c.id === 'a')!;
    expect(stored.apiKey).toBe(KEY_A);
    expect(stored.headers).toEqual({ 'x-tenant': 'tenant-secret-value-99' });
    expect(stored.priority).toBe(5);
    expect(stored.label).toBeUndefined();

    await call('PATCH', '/v0/management/credentials/a', { body: { apiKey: 'sk-rotated-dddddddddddd-4444' } });
    expect(manager.credentials().find((c) => c.id === 'a')!.apiKey).toBe('sk-rotated-dddddddddddd-4444');
    const stale = await call('PATCH', '/v0/management/credentials/a', { body: { priority: 1, version: 0 } });
    expect(stale.status).toBe(409);
    expect((await call('PATCH', '/v0/management/credentials/zzz', { body: { priority: 1 } })).status).toBe(404);
  });

  it('disables, enables, clears cooldowns and deletes', async () => {
    const { call, manager, clock } = setup();
    const disabled = await call('POST', '/v0/management/credentials/a/disable');
    expect(disabled.json.disabled).toBe(true);
    expect(disabled.json.state.available).toBe(false);
    for (let i = 0; i < 4; i++) {
      const res = await manager.execute({
        dialect: 'openai-chat',
        body: { model: 'mock-model', messages: [{ role: 'user', content: 'x' }] },
      });
      expect(res.credentialId).toBe('b');
    }
    expect((await call('POST', '/v0/management/credentials/a/enable')).json.disabled).toBe(false);

    await manager.state.setCooldown({
      credentialId: 'b',
      model: '*',
      until: clock.now + 60_000,
      reason: 'unauthorized',
      strikes: 1,
    });
    expect((await call('GET', '/v0/management/credentials/b')).json.state.available).toBe(false);
    const cleared = await call('POST', '/v0/management/credentials/b/clear-cooldowns');
    expect(cleared.json.state.cooldowns).toEqual([]);
    expect(cleared.json.state.available).toBe(true);

    expect((await call('DELETE', '/v0/management/credentials/b')).status).toBe(204);
    expect(manager.credentials().map((c) => c.id)).toEqual(['a']);
    expect(await manager.store.get('b')).toBeUndefined();
    expect((await call('DELETE', '/v0/management/credentials/b')).status).toBe(404);
  });

  it('writes an audit line per write with ids and field names, never a secret', async () => {
    const { call, lines } = setup();
    await call('PATCH', '/v0/management/credentials/a', { body: { apiKey: 'sk-rotated-eeeeeeeeeeee-5555' } });
    await call('POST', '/v0/management/credentials', { body: { id: 'a', provider: 'mock' } });
    await call('GET', '/v0/management/credentials');
    const audits = lines.filter((l) => l.msg === 'management write');
    expect(audits.map((l) => [l.obj.method, l.obj.route, l.obj.outcome])).toEqual([
      ['PATCH', '/credentials/{id}', 'ok'],
      ['POST', '/credentials', 'refused 409'],
    ]);
    expect(audits[0]!.obj).toMatchObject({ credential: 'a', fields: ['apiKey'], peer: '127.0.0.1' });
    expect(JSON.stringify(lines)).not.toContain('sk-rotated-eeeeeeeeeeee-5555');
  });

  it('models lists what clients can ask for and what each credential serves', async () => {
    const { call } = setup({}, [
      { id: 'a', provider: 'mock', apiKey: KEY_A, models: [{ name: 'mock-large', alias: 'big' }] },
      { id: 'b', provider: 'mock', apiKey: KEY_B, excludedModels: ['mock-*-preview'] },
    ]);
    const { json } = await call('GET', '/v0/management/models');
    expect(json.credentials).toEqual([
      { id: 'a', provider: 'mock', models: [{ name: 'mock-large', alias: 'big' }] },
      { id: 'b', provider: 'mock', excludedModels: ['mock-*-preview'] },
    ]);
    expect(json.models.map((m: { id: string }) => m.id)).toContain('big');
  });
});

describe('management API: config', () => {
  const files: string[] = [];
  const config = {
    read: () => 'port: 8317\napi-keys:\n  - sk-c…abcd\n',
    write: (yaml: string) => {
      if (yaml.includes('bogus')) throw new ConfigError("config: unknown key 'bogus'");
      files.push(yaml);
    },
  };

  it('GET gives the masked YAML, PUT applies a good file (JSON or YAML body) and refuses a bad one whole', async () => {
    const { call } = setup({ config });
    expect((await call('GET', '/v0/management/config')).json).toEqual({ yaml: config.read() });
    expect((await call('PUT', '/v0/management/config', { body: { yaml: 'port: 9000\n' } })).status).toBe(200);
    const asYaml = await call('PUT', '/v0/management/config', {
      body: 'port: 9001\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(asYaml.status).toBe(200);
    const bad = await call('PUT', '/v0/management/config', { body: { yaml: 'bogus: 1\n' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("unknown key 'bogus'");
    expect(files).toEqual(['port: 9000\n', 'port: 9001\n']);
  });

  it('is 404 when the gateway was not built from a config', async () => {
    const { call } = setup();
    expect((await call('GET', '/v0/management/config')).status).toBe(404);
  });
});

describe('management API: OpenAPI', () => {
  it('documents every route with its method, body and response schema from the same zod schemas', async () => {
    const { call } = setup();
    const { status, json } = await call('GET', '/v0/management/openapi.json');
    expect(status).toBe(200);
    expect(json.openapi).toBe('3.1.0');
    const operations = Object.entries(json.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /v0/management/status',
        'GET /v0/management/credentials',
        'POST /v0/management/credentials',
        'GET /v0/management/credentials/{id}',
        'PATCH /v0/management/credentials/{id}',
        'DELETE /v0/management/credentials/{id}',
        'POST /v0/management/credentials/{id}/disable',
        'POST /v0/management/credentials/{id}/enable',
        'POST /v0/management/credentials/{id}/clear-cooldowns',
        'GET /v0/management/models',
        'GET /v0/management/config',
        'PUT /v0/management/config',
      ]),
    );
    const post = json.paths['/v0/management/credentials'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CredentialInput',
    });
    const input = json.components.schemas.CredentialInput;
    expect(input.required).toEqual(expect.arrayContaining(['id', 'provider']));
    expect(input.additionalProperties).toBe(false);
    expect(input.properties.weight).toMatchObject({ type: 'number', minimum: 0 });
    const refs = JSON.stringify(json).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(json.components.schemas[ref.split('/').pop()!]).toBeDefined();
  });
});

describe('management API: usage', () => {
  it('aggregates the ledger by key and model per day, pages records, refuses bad parameters', async () => {
    const { MemoryUsageSink, attachUsageSink } = await import('../../src/index.js');
    const sink = new MemoryUsageSink();
    const { call, manager } = setup({ usage: sink });
    attachUsageSink(manager, sink);
    const body = { model: 'mock-model', messages: [{ role: 'user', content: 'x' }] };
    for (const principal of ['alice', 'alice', 'bob']) {
      const res = await manager.execute({ dialect: 'openai-chat', body, principal });
      await res.usage;
    }
    const grouped = await call('GET', '/v0/management/usage?groupBy=principal,model&bucket=day');
    expect(grouped.status).toBe(200);
    const rows = grouped.json.aggregates as Array<{ principal: string; model: string; requests: number }>;
    expect(rows.map((r) => [r.principal, r.model, r.requests]).sort()).toEqual([
      ['alice', 'mock-model', 2],
      ['bob', 'mock-model', 1],
    ]);
    const onlyBob = await call('GET', '/v0/management/usage?principal=bob');
    expect(onlyBob.json.aggregates).toEqual([expect.objectContaining({ requests: 1 })]);

    const first = await call('GET', '/v0/management/usage/records?limit=2');
    expect(first.json.records).toHaveLength(2);
    const second = await call('GET', `/v0/management/usage/records?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.records).toHaveLength(1);
    expect(second.json.nextCursor).toBeUndefined();

    const bad = await call('GET', '/v0/management/usage?groupBy=colour');
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('groupBy');
    const unknown = await call('GET', '/v0/management/usage?limit=5');
    expect(unknown.json.error.message).toContain("Unknown query parameter 'limit'");
    const noLedger = setup();
    expect((await noLedger.call('GET', '/v0/management/usage')).status).toBe(404);
  });
});
