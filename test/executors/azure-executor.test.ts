import { Agent, interceptors } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { azureOpenAICredential } from '../../src/executors/azure/azure-credential.js';
import { azureOpenAIExecutor } from '../../src/executors/azure/azure-openai-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import { type FakeAzure, PROMPT_FILTER_TRIGGER, startFakeAzure } from '../fakes/fake-azure.js';
import { startFakeServer } from '../fakes/fake-server.js';
import { exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeAzure;
const executor = azureOpenAIExecutor({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
const chatBody = (content = 'hi') => ({ model: 'prod-gpt4o', messages: [{ role: 'user', content }] });

beforeAll(async () => {
  fake = await startFakeAzure();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.tokenCalls.length = 0;
  fake.options.tokenDelayMs = undefined;
});

function keyCredential(extra: Partial<Parameters<typeof azureOpenAICredential>[0]> = {}): Credential {
  return azureOpenAICredential({
    id: 'az-key',
    endpoint: `${fake.endpoint}/openai/`,
    apiVersion: '2024-10-21',
    models: [{ name: 'prod-gpt4o', alias: 'gpt-4o' }],
    auth: { apiKey: fake.options.apiKey },
    ...extra,
  });
}

function entraCredential(): Credential {
  const { tenant, clientId, clientSecret } = fake.options.entra;
  return azureOpenAICredential({
    id: 'az-entra',
    endpoint: fake.endpoint,
    apiShape: 'v1',
    models: [{ name: 'prod-gpt4o', alias: 'gpt-4o' }],
    auth: { entra: { tenantId: tenant, clientId, clientSecret, tokenUrl: fake.tokenUrl(tenant) } },
  });
}

describe('Azure OpenAI executor', () => {
  it('calls the three URL shapes with the api-key header and never an authorization header', async () => {
    const dated = keyCredential();
    await readText((await executor.execute(request(dated, 'openai-chat', chatBody()))).body);
    expect(fake.last!.path).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(fake.last!.headers['api-key']).toBe(fake.options.apiKey);
    expect(fake.last!.headers.authorization).toBeUndefined();
    expect(executor.nativeDialect('openai-responses', dated)).toBe('openai-chat');

    const responsesOnly = keyCredential({ apiShape: 'responses', apiVersion: '2025-04-01-preview' });
    expect(executor.nativeDialect('openai-chat', responsesOnly)).toBe('openai-responses');
    await readText(
      (await executor.execute(request(responsesOnly, 'openai-responses', { model: 'prod-gpt4o', input: 'hi' }))).body,
    );
    expect(fake.last!.path).toBe('/openai/responses?api-version=2025-04-01-preview');

    const v1 = keyCredential({ apiShape: 'v1', apiVersion: undefined });
    expect(executor.nativeDialect('openai-responses', v1)).toBe('openai-responses');
    const res = await executor.execute(request(v1, 'openai-chat', { ...chatBody(), stream: true }));
    const text = await readText(res.body);
    expect(fake.last!.path).toBe('/openai/v1/chat/completions');
    expect((fake.last!.body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
    // The stream reaches the caller as OpenAI's: Azure's prompt-filter frame is gone, the content stays.
    expect(text).not.toContain('prompt_filter_results');
    expect(text).toContain('"delta":{');
    expect(text).toContain('data: [DONE]');
    expect(res.quota).toMatchObject({ remainingRequests: 99, remainingTokens: 99000 });
  });

  it('refuses a credential without an api-version on a dated shape, saying what to set', async () => {
    const err = await rejection(
      executor.execute(request(keyCredential({ apiVersion: undefined }), 'openai-chat', chatBody())),
    );
    expect(err.kind).toBe('config');
    expect(err.message).toContain('api-version');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads a filtered prompt as the caller’s fault and DeploymentNotFound as a missing model', async () => {
    const filtered = await rejection(
      executor.execute(request(keyCredential(), 'openai-chat', chatBody(PROMPT_FILTER_TRIGGER))),
    );
    expect(filtered.kind).toBe('invalid_request');
    expect(filtered.status).toBe(400);
    expect(filtered.message).toContain('content filter blocked the request (violence: medium)');
    const missing = await rejection(
      executor.execute(request(keyCredential(), 'openai-chat', chatBody(), { model: 'gone' })),
    );
    expect(missing.kind).toBe('not_found');
  });

  it('takes retry-after-ms before retry-after on a 429 without a type', async () => {
    fake.script({
      status: 429,
      headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
      body: { error: { code: '429', message: 'Requests have exceeded the rate limit. Please retry after 9 seconds.' } },
    });
    const err = await rejection(executor.execute(request(keyCredential(), 'openai-chat', chatBody())));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(1500);
  });

  it('never follows a redirect with the api-key, even through a redirecting dispatcher', async () => {
    const elsewhere = await startFakeServer(() => ({ body: { stolen: true } }));
    const redirecting = await startFakeServer(() => ({
      status: 307,
      headers: { location: `${elsewhere.url}/openai/deployments/prod-gpt4o/chat/completions` },
    }));
    const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));
    const local = azureOpenAIExecutor({ dispatcher });
    try {
      const cred = { ...keyCredential(), baseUrl: redirecting.url };
      const err = await rejection(local.execute(request(cred, 'openai-chat', chatBody())));
      expect(err.status).toBe(307);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await local.close();
      await dispatcher.close();
      await elsewhere.close();
      await redirecting.close();
    }
  });

  it('gets an Entra token by the client-credentials grant without leaking the client secret', async () => {
    const fresh = await executor.refresh!(entraCredential(), new AbortController().signal);
    const form = Object.fromEntries(new URLSearchParams(fake.tokenCalls[0]!.rawBody));
    expect(form).toEqual({
      grant_type: 'client_credentials',
      client_id: fake.options.entra.clientId,
      client_secret: fake.options.entra.clientSecret,
      scope: 'https://cognitiveservices.azure.com/.default',
    });
    expect(fresh.oauth!.accessToken).toBe(fake.issuedTokens.at(-1));
    expect(fresh.oauth!.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);

    const wrong = { ...entraCredential(), apiKey: 'wrong-secret-0123456789' };
    const err = await rejection(executor.refresh!(wrong, new AbortController().signal));
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toContain('invalid_client');
    expect(exposedText(err)).not.toContain('wrong-secret-0123456789');
  });
});

describe('Azure OpenAI through the Manager', () => {
  it('makes exactly one Entra token call for 60 concurrent requests, and uses that token', async () => {
    fake.options.tokenDelayMs = 200;
    const store = new MemoryTokenStore([entraCredential()]);
    const manager = new Manager({ store, executors: [executor], retry: { baseDelayMs: 0 } });
    try {
      await manager.start();
      const results = await Promise.all(
        Array.from({ length: 60 }, () =>
          manager.execute({
            dialect: 'openai-chat',
            body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
          }),
        ),
      );
      for (const r of results) expect(r.status).toBe(200);
      expect(fake.tokenCalls).toHaveLength(1);
      const posts = fake.requests.filter((r) => r.path.startsWith('/openai/'));
      expect(posts).toHaveLength(60);
      expect(new Set(posts.map((r) => r.headers.authorization))).toEqual(
        new Set([`Bearer ${fake.issuedTokens.at(-1)}`]),
      );
    } finally {
      await manager.close();
    }
  });

  it('does not retry on another credential or cool down when the prompt was filtered', async () => {
    const other = { ...keyCredential(), id: 'az-2' };
    const store = new MemoryTokenStore([keyCredential(), other]);
    const manager = new Manager({ store, executors: [executor], retry: { baseDelayMs: 0 } });
    try {
      await manager.start();
      const err = await rejection(
        manager.execute({
          dialect: 'openai-chat',
          body: { model: 'gpt-4o', messages: [{ role: 'user', content: PROMPT_FILTER_TRIGGER }] },
        }),
      );
      expect(err.kind).toBe('invalid_request');
      expect(fake.requests).toHaveLength(1);
      expect(await manager.cooldowns()).toEqual([]);
    } finally {
      await manager.close();
    }
  });
});
