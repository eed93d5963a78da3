import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicExecutor } from '../../src/executors/anthropic/anthropic-executor.js';
import { defaultAnthropicModels, type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { API_KEY, credential } from './helpers.js';

let fake: FakeAnthropic;
const executor = anthropicExecutor({ modelsCacheTtlMs: 0 });
let n = 0;
/** A fresh credential id each time, so the executor's model cache never answers. */
const cred = (extra: Parameters<typeof credential>[1] = {}) =>
  credential(fake.url, { id: `models-${++n}`, provider: 'anthropic', ...extra });

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});
afterEach(() => {
  fake.models = defaultAnthropicModels();
  fake.maxPageSize = 1000;
});

describe('anthropicExecutor.listModels', () => {
  it('sends anthropic-version 2023-06-01 with the key (the API answers 400 without it)', async () => {
    const models = await executor.listModels(cred());
    expect(fake.last!.method).toBe('GET');
    expect(fake.last!.headers['anthropic-version']).toBe('2023-06-01');
    expect(fake.last!.headers['x-api-key']).toBe(API_KEY);
    expect(models.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
  });

  it('sends the configured version, and the OAuth beta for OAuth credentials', async () => {
    const versioned = anthropicExecutor({ version: '2024-01-01', modelsCacheTtlMs: 0 });
    try {
      await versioned.listModels(cred({ apiKey: undefined, kind: 'oauth', oauth: { accessToken: 'sk-ant-oat-1234' } }));
    } finally {
      await versioned.close();
    }
    expect(fake.last!.headers['anthropic-version']).toBe('2024-01-01');
    expect(fake.last!.headers.authorization).toBe('Bearer sk-ant-oat-1234');
    expect(fake.last!.headers['anthropic-beta']).toBe('oauth-2025-04-20');
  });

  it('follows has_more / last_id with after_id until the last page', async () => {
    fake.models = Array.from({ length: 7 }, (_, i) => ({
      type: 'model' as const,
      id: `claude-m${i}`,
      display_name: `Claude M${i}`,
      created_at: new Date(Date.UTC(2025, 0, 10 - i)).toISOString(),
    }));
    fake.maxPageSize = 3;
    const before = fake.requests.length;
    const models = await executor.listModels(cred());
    const paths = fake.requests.slice(before).map((r) => r.path);
    expect(paths).toEqual([
      '/v1/models?limit=1000',
      '/v1/models?limit=1000&after_id=claude-m2',
      '/v1/models?limit=1000&after_id=claude-m5',
    ]);
    expect(models.map((m) => m.id)).toEqual(fake.models.map((m) => m.id));
    expect(models[6]).toEqual({
      id: 'claude-m6',
      provider: 'anthropic',
      displayName: 'Claude M6',
      created: Date.UTC(2025, 0, 4) / 1000,
    });
  });
});
