import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { redactCredential } from '../../src/core/credential.js';
import { vertexCredential } from '../../src/executors/vertex/vertex-credential.js';
import { parseVertexError, vertexExecutor } from '../../src/executors/vertex/vertex-executor.js';
import { vertexBaseUrl } from '../../src/executors/vertex/vertex-settings.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { anthropicError } from '../fakes/fake-anthropic.js';
import { geminiError } from '../fakes/fake-gemini.js';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';
import { exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeVertex;
const executor = vertexExecutor({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
const geminiBody = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
const claudeBody = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4-5@20250929',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

beforeAll(async () => {
  fake = await startFakeVertex();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.tokenCalls.length = 0;
  fake.options.tokenDelayMs = undefined;
  fake.reply = { text: 'Hello from fake Vertex' };
});

function serviceAccount(extra: Partial<Parameters<typeof vertexCredential>[0]> = {}): Credential {
  return vertexCredential({
    id: 'vertex-sa',
    location: 'us-east5',
    baseUrl: fake.url,
    models: [
      { name: 'gemini-2.5-flash', alias: 'flash' },
      { name: 'claude-sonnet-4-5@20250929', alias: 'sonnet' },
    ],
    auth: { serviceAccount: JSON.stringify(fake.serviceAccountKey) },
    ...extra,
  });
}

async function withToken(credential: Credential): Promise<Credential> {
  return executor.refresh!(credential, new AbortController().signal);
}

describe('Vertex AI credentials', () => {
  it('keeps the private key in the secret field, redacted, and derives the host from the location', () => {
    const credential = vertexCredential({
      id: 'v',
      location: 'europe-west4',
      auth: { serviceAccount: fake.serviceAccountKey },
    });
    expect(credential.baseUrl).toBe('https://europe-west4-aiplatform.googleapis.com');
    expect(credential.kind).toBe('oauth');
    expect(credential.apiKey).toBe(fake.serviceAccountKey.private_key);
    expect(credential.oauth).toEqual({ accessToken: '', expiresAt: 0, tokenUrl: fake.tokenUrl });
    expect(credential.metadata).toEqual({
      vertex: {
        location: 'europe-west4',
        project: 'acme-prod',
        clientEmail: fake.serviceAccountKey.client_email,
        privateKeyId: fake.serviceAccountKey.private_key_id,
      },
    });
    expect(JSON.stringify(redactCredential(credential))).not.toContain('PRIVATE KEY');
    expect(vertexBaseUrl('global')).toBe('https://aiplatform.googleapis.com');
    expect(vertexBaseUrl('us')).toBe('https://aiplatform.us.rep.googleapis.com');
  });

  it('speaks Gemini to Google models and Anthropic Messages to Claude, by name or by the configured publisher', () => {
    const credential = serviceAccount({
      models: [{ name: 'my-tuned-claude', publisher: 'anthropic' }, { name: 'gemini-2.5-flash' }],
    });
    expect(executor.nativeDialect('openai-chat', credential, 'gemini-2.5-flash')).toBe('gemini');
    expect(executor.nativeDialect('openai-chat', credential, 'claude-haiku-4-5@20251001')).toBe('anthropic-messages');
    expect(executor.nativeDialect('gemini', credential, 'my-tuned-claude')).toBe('anthropic-messages');
  });
});

describe('Vertex AI executor', () => {
  it('gets a token by the JWT-bearer grant with a JWT the service account’s public key verifies', async () => {
    const before = Date.now();
    const fresh = await withToken(serviceAccount());
    expect(fake.tokenCalls).toHaveLength(1);
    const form = Object.fromEntries(new URLSearchParams(fake.tokenCalls[0]!.rawBody));
    expect(Object.keys(form).sort()).toEqual(['assertion', 'grant_type']);
    expect(form.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [h, c, s] = form.assertion!.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString());
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: fake.serviceAccountKey.private_key_id });
    expect(claims).toMatchObject({
      iss: fake.serviceAccountKey.client_email,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      aud: fake.tokenUrl,
    });
    expect(claims.exp - claims.iat).toBe(3600);
    const publicKey = createPublicKey(fake.serviceAccountKey.private_key!);
    expect(verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    expect(fresh.oauth!.accessToken).toBe(fake.issuedTokens.at(-1));
    expect(fresh.oauth!.expiresAt).toBeGreaterThanOrEqual(before + 3_599_000);
    expect(fresh.apiKey).toBe(fake.serviceAccountKey.private_key);
  });

  it('refuses a key the token endpoint does not know as unauthorized, without leaking the private key', async () => {
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const wrong = vertexCredential({
      id: 'vertex-wrong',
      baseUrl: fake.url,
      auth: { serviceAccount: { ...fake.serviceAccountKey, private_key: stranger } as never },
    });
    const err = await rejection(withToken(wrong));
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toContain('invalid_grant');
    expect(exposedText(err)).not.toContain(stranger.slice(40, 100));
  });

  it('calls generateContent, streamGenerateContent?alt=sse and countTokens under the project with the token', async () => {
    const credential = await withToken(serviceAccount());
    const root = '/v1/projects/acme-prod/locations/us-east5/publishers/google/models/gemini-2.5-flash';
    const whole = await executor.execute(
      request(credential, 'gemini', { ...geminiBody, model: 'x' }, { model: 'gemini-2.5-flash' }),
    );
    expect(JSON.parse(await readText(whole.body)).candidates[0].content.parts[0].text).toBe('Hello from fake Vertex');
    expect(fake.last!.path).toBe(`${root}:generateContent`);
    expect(fake.last!.body).toEqual(geminiBody);
    expect(fake.last!.headers.authorization).toBe(`Bearer ${credential.oauth!.accessToken}`);

    const stream = await executor.execute(
      request(credential, 'gemini', geminiBody, { model: 'gemini-2.5-flash', stream: true }),
    );
    const text = await readText(stream.body);
    expect(text).toContain('data: ');
    expect(text).toContain('"finishReason":"STOP"');
    expect(fake.last!.path).toBe(`${root}:streamGenerateContent?alt=sse`);

    const count = await executor.execute(
      request(credential, 'gemini', geminiBody, { model: 'gemini-2.5-flash', operation: 'count_tokens' }),
    );
    expect(JSON.parse(await readText(count.body)).totalTokens).toBeGreaterThan(0);
    expect(fake.last!.path).toBe(`${root}:countTokens`);
  });

  it('sends Claude the Messages body on rawPredict with anthropic_version and without model', async () => {
    const credential = await withToken(serviceAccount());
    const root = '/v1/projects/acme-prod/locations/us-east5/publishers/anthropic/models';
    const whole = await executor.execute(
      request(credential, 'anthropic-messages', claudeBody(), {
        headers: { 'anthropic-beta': 'context-1m-2025-08-07' },
      }),
    );
    expect(JSON.parse(await readText(whole.body)).content[0].text).toBe('Hello from fake Vertex');
    expect(fake.last!.path).toBe(`${root}/claude-sonnet-4-5@20250929:rawPredict`);
    expect(fake.last!.body).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(fake.last!.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(fake.last!.headers['anthropic-version']).toBeUndefined();

    const stream = await executor.execute(request(credential, 'anthropic-messages', claudeBody({ stream: true })));
    const events = await readText(stream.body);
    expect(events).toContain('event: message_start');
    expect(events).toContain('event: message_stop');
    expect(fake.last!.path).toBe(`${root}/claude-sonnet-4-5@20250929:streamRawPredict`);

    const count = await executor.execute(
      request(credential, 'anthropic-messages', claudeBody({ temperature: 0.2 }), { operation: 'count_tokens' }),
    );
    expect(JSON.parse(await readText(count.body)).input_tokens).toBeGreaterThan(0);
    expect(fake.last!.path).toBe(`${root}/count-tokens:rawPredict`);
    expect(fake.last!.body).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      model: 'claude-sonnet-4-5@20250929',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('sends an API key as x-goog-api-key, in express mode without a project, and refuses Claude there', async () => {
    const express = vertexCredential({
      id: 'vertex-express',
      baseUrl: fake.url,
      auth: { apiKey: fake.options.apiKey },
    });
    const response = await executor.execute(request(express, 'gemini', geminiBody, { model: 'gemini-2.5-pro' }));
    expect(response.status).toBe(200);
    expect(fake.last!.path).toBe('/v1/publishers/google/models/gemini-2.5-pro:generateContent');
    expect(fake.last!.headers['x-goog-api-key']).toBe(fake.options.apiKey);
    expect(fake.last!.headers.authorization).toBeUndefined();
    const err = await rejection(executor.execute(request(express, 'anthropic-messages', claudeBody())));
    expect(err.kind).toBe('not_found');
    expect(err.message).toContain('express mode');

    const bound = vertexCredential({
      id: 'vertex-bound',
      project: 'acme-prod',
      baseUrl: fake.url,
      auth: { apiKey: fake.options.apiKey },
    });
    await executor.execute(request(bound, 'anthropic-messages', claudeBody()));
    expect(fake.last!.path).toBe(
      '/v1/projects/acme-prod/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
    );
  });

  it('reads Google’s errors and Claude’s errors on rawPredict', async () => {
    const credential = await withToken(serviceAccount());
    fake.script(
      geminiError(429, 'RESOURCE_EXHAUSTED', 'Resource exhausted. Please try again later.', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' },
      ]),
    );
    const limited = await rejection(
      executor.execute(request(credential, 'gemini', geminiBody, { model: 'gemini-2.5-flash' })),
    );
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBe(7_000);

    const missing = await rejection(
      executor.execute(request(credential, 'gemini', geminiBody, { model: 'gemini-0-nope' })),
    );
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('Publisher Model');
    expect(missing.kind).not.toBe('endpoint_not_found');

    fake.script(anthropicError(529, 'overloaded_error', 'Overloaded'));
    const overloaded = await rejection(executor.execute(request(credential, 'anthropic-messages', claudeBody())));
    expect(overloaded.kind).toBe('overloaded');

    const bad = parseVertexError({
      status: 400,
      headers: {},
      text: '',
      now: 0,
      json: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } },
    });
    expect(bad.kind).toBe('invalid_request');
  });
});

describe('Vertex AI through the Manager', () => {
  it('fails a Claude request over from an express-mode key to a credential with a project', async () => {
    const express = vertexCredential({ id: 'vx-express', baseUrl: fake.url, auth: { apiKey: fake.options.apiKey } });
    const bound = vertexCredential({
      id: 'vx-bound',
      project: 'acme-prod',
      baseUrl: fake.url,
      auth: { apiKey: fake.options.apiKey },
    });
    const manager = new Manager({
      store: new MemoryTokenStore([express, bound]),
      executors: [executor],
      retry: { baseDelayMs: 0 },
    });
    try {
      await manager.start();
      for (let i = 0; i < 2; i++) {
        const result = await manager.execute({
          dialect: 'anthropic-messages',
          body: claudeBody(),
        });
        expect(result.credentialId).toBe('vx-bound');
      }
      expect(fake.requests.every((r) => r.path.startsWith('/v1/projects/acme-prod/'))).toBe(true);
    } finally {
      await manager.close();
    }
  });

  it('makes exactly one token call for 60 concurrent requests, and every request carries that token', async () => {
    fake.options.tokenDelayMs = 200;
    const store = new MemoryTokenStore([serviceAccount()]);
    const manager = new Manager({ store, executors: [executor], retry: { baseDelayMs: 0 } });
    try {
      await manager.start();
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          manager.execute({
            dialect: 'openai-chat',
            body: { model: i % 2 === 0 ? 'flash' : 'sonnet', messages: [{ role: 'user', content: 'hi' }] },
          }),
        ),
      );
      for (const r of results) expect(r.status).toBe(200);
      expect(fake.tokenCalls).toHaveLength(1);
      const calls = fake.requests.filter((r) => r.path.startsWith('/v1/'));
      expect(calls).toHaveLength(60);
      expect(calls.filter((r) => r.path.endsWith(':rawPredict'))).toHaveLength(30);
      expect(new Set(calls.map((r) => r.headers.authorization))).toEqual(
        new Set([`Bearer ${fake.issuedTokens.at(-1)}`]),
      );
    } finally {
      await manager.close();
    }
  });
});
