import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';
import { type FakeResponse, type FakeServer, startFakeServer } from '../fakes/fake-server.js';
import { exposedText, readText, rejection, request } from './helpers.js';

const REFRESH_TOKEN = 'rt-SECRET-refresh-0123456789';
const chatBody = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

let tokens: FakeServer;
let upstream: FakeOpenAI;
/** What the token endpoint answers next (when nothing is scripted). */
let answer: FakeResponse;
const executor = openaiExecutor({ headersTimeoutMs: 2_000, bodyTimeoutMs: 2_000 });

beforeAll(async () => {
  tokens = await startFakeServer(() => answer);
  upstream = await startFakeOpenAI();
});
afterAll(async () => {
  await tokens.close();
  await upstream.close();
  await executor.close();
});
beforeEach(() => {
  tokens.requests.length = 0;
  upstream.requests.length = 0;
  answer = { body: { access_token: 'at-new', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-rotated' } };
});

function oauthCredential(extra: Partial<NonNullable<Credential['oauth']>> = {}): Credential {
  return {
    id: 'oa-1',
    provider: 'openai',
    kind: 'oauth',
    baseUrl: upstream.baseUrl,
    label: 'kept',
    oauth: {
      accessToken: 'at-old',
      refreshToken: REFRESH_TOKEN,
      expiresAt: 1,
      tokenUrl: `${tokens.url}/oauth/token?tenant=t1`,
      clientId: 'client-abc',
      ...extra,
    },
  };
}

function form(index = 0): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(tokens.requests[index]!.rawBody));
}

describe('HTTP executor: OAuth refresh against credential.oauth.tokenUrl', () => {
  it('posts the refresh-token grant form-encoded and reads the new tokens and expiry', async () => {
    const before = Date.now();
    const fresh = await executor.refresh!(oauthCredential(), new AbortController().signal);
    expect(tokens.requests).toHaveLength(1);
    const seen = tokens.requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/oauth/token?tenant=t1');
    expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form()).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: 'client-abc' });
    expect(fresh.oauth).toMatchObject({
      accessToken: 'at-new',
      refreshToken: 'rt-rotated',
      tokenUrl: `${tokens.url}/oauth/token?tenant=t1`,
      clientId: 'client-abc',
    });
    expect(fresh.oauth!.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(fresh.oauth!.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(fresh).toMatchObject({ id: 'oa-1', label: 'kept', baseUrl: upstream.baseUrl });

    await readText((await executor.execute(request(fresh, 'openai-chat', chatBody))).body);
    expect(upstream.last!.headers.authorization).toBe('Bearer at-new');
  });

  it('keeps the refresh token when none is returned, sends no client_id without one, drops an unknown expiry', async () => {
    answer = { body: { access_token: 'at-2', token_type: 'bearer' } };
    const { clientId: _drop, ...withoutClient } = oauthCredential().oauth!;
    const fresh = await executor.refresh!({ ...oauthCredential(), oauth: withoutClient }, new AbortController().signal);
    expect(form()).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN });
    expect(fresh.oauth!.accessToken).toBe('at-2');
    expect(fresh.oauth!.refreshToken).toBe(REFRESH_TOKEN);
    expect(fresh.oauth!.expiresAt).toBeUndefined();
  });

  it('accepts expires_in as a numeric string', async () => {
    answer = { body: { access_token: 'at-3', expires_in: '60' } };
    const before = Date.now();
    const fresh = await executor.refresh!(oauthCredential(), new AbortController().signal);
    expect(fresh.oauth!.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(fresh.oauth!.expiresAt).toBeLessThan(before + 70_000);
  });

  it('maps invalid_grant to UnauthorizedError without leaking the refresh token', async () => {
    answer = {
      status: 400,
      body: { error: 'invalid_grant', error_description: `refresh token ${REFRESH_TOKEN} was revoked` },
    };
    const err = await rejection(executor.refresh!(oauthCredential(), new AbortController().signal));
    expect(err.kind).toBe('unauthorized');
    expect(err.credentialId).toBe('oa-1');
    expect(err.message).toContain('invalid_grant');
    expect(exposedText(err)).not.toContain(REFRESH_TOKEN);
  });

  it('reports other token endpoint failures by status, and a 200 without access_token as an upstream error', async () => {
    // A 503 is the upstream overloaded or unavailable (one status table for every upstream).
    answer = { status: 503, body: 'down for maintenance' };
    expect((await rejection(executor.refresh!(oauthCredential(), new AbortController().signal))).kind).toBe(
      'overloaded',
    );
    answer = { status: 429, body: { error: 'slow_down' } };
    expect((await rejection(executor.refresh!(oauthCredential(), new AbortController().signal))).kind).toBe(
      'rate_limited',
    );
    answer = { body: { token_type: 'Bearer' } };
    const err = await rejection(executor.refresh!(oauthCredential(), new AbortController().signal));
    expect(err.kind).toBe('upstream_error');
    expect(err.message).toContain('no access_token');
  });

  it('refuses credentials without tokenUrl or refresh token, without any request', async () => {
    const { tokenUrl: _t, ...noUrl } = oauthCredential().oauth!;
    const a = await rejection(executor.refresh!({ ...oauthCredential(), oauth: noUrl }, new AbortController().signal));
    expect(a.kind).toBe('unauthorized');
    expect(a.message).toContain('tokenUrl');
    const { refreshToken: _r, ...noRefresh } = oauthCredential().oauth!;
    const b = await rejection(
      executor.refresh!({ ...oauthCredential(), oauth: noRefresh }, new AbortController().signal),
    );
    expect(b.kind).toBe('unauthorized');
    expect(tokens.requests).toHaveLength(0);
  });

  it('aborts with the signal', async () => {
    answer = { delayHeadersMs: 1_000, body: { access_token: 'late' } };
    const controller = new AbortController();
    const pending = executor.refresh!(oauthCredential(), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).kind).toBe('aborted');
  });

  it('lets the Manager refresh an expired credential once and use the new token', async () => {
    const store = new MemoryTokenStore([oauthCredential({ expiresAt: Date.now() - 1_000 })]);
    const manager = new Manager({ store, executors: [executor], retry: { baseDelayMs: 0 } });
    try {
      await manager.start();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => manager.execute({ dialect: 'openai-chat', body: chatBody })),
      );
      for (const result of results) expect(result.status).toBe(200);
      expect(tokens.requests).toHaveLength(1);
      const posts = upstream.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.headers.authorization)).toEqual(Array(5).fill('Bearer at-new'));
      expect((await store.get('oa-1'))!.oauth).toMatchObject({ accessToken: 'at-new', refreshToken: 'rt-rotated' });
    } finally {
      await manager.close();
    }
  });
});
