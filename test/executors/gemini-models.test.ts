import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiExecutor } from '../../src/executors/gemini/gemini-executor.js';
import { type FakeServer, startFakeServer } from '../fakes/fake-server.js';
import { API_KEY, credential } from './helpers.js';

const MODELS = Array.from({ length: 5 }, (_, i) => ({
  name: `models/gemini-m${i}`,
  displayName: `Gemini M${i}`,
  supportedGenerationMethods: ['generateContent'],
}));
/** Opaque page tokens with characters a query string must escape. */
const tokenFor = (start: number) => `tok+/${start}==`;
const PAGE = 2;

/**
 * A Gemini models.list that pages by `pageToken` / `nextPageToken` (`pageSize` must stay the same
 * across pages) and takes the key only from `x-goog-api-key`, refusing it in the query.
 * @see https://ai.google.dev/api/models#method:-models.list
 */
let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeServer((req) => {
    const url = new URL(req.path, 'http://fake');
    if (url.searchParams.has('key') || req.headers['x-goog-api-key'] !== API_KEY) {
      return { status: 401, body: { error: { code: 401, message: 'API key missing', status: 'UNAUTHENTICATED' } } };
    }
    if (url.pathname !== '/v1beta/models' || url.searchParams.get('pageSize') !== '1000') {
      return { status: 400, body: { error: { code: 400, message: 'bad request', status: 'INVALID_ARGUMENT' } } };
    }
    const token = url.searchParams.get('pageToken');
    const start = token === null ? 0 : MODELS.findIndex((_, i) => tokenFor(i) === token);
    if (start < 0) {
      return { status: 400, body: { error: { code: 400, message: 'bad page token', status: 'INVALID_ARGUMENT' } } };
    }
    const models = MODELS.slice(start, start + PAGE);
    const next = start + PAGE < MODELS.length ? { nextPageToken: tokenFor(start + PAGE) } : {};
    return { body: { models, ...next } };
  });
});
afterAll(() => fake.close());

describe('geminiExecutor.listModels', () => {
  const executor = geminiExecutor();
  afterAll(() => executor.close());

  it('sends the key as x-goog-api-key, never ?key=, and follows nextPageToken to the last page', async () => {
    const models = await executor.listModels(credential(fake.url, { id: 'gemini-pages', provider: 'gemini' }));
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/v1beta/models?pageSize=1000',
      `/v1beta/models?pageSize=1000&pageToken=${encodeURIComponent(tokenFor(2))}`,
      `/v1beta/models?pageSize=1000&pageToken=${encodeURIComponent(tokenFor(4))}`,
    ]);
    for (const r of fake.requests) expect(r.headers['x-goog-api-key']).toBe(API_KEY);
    expect(models.map((m) => m.id)).toEqual(['gemini-m0', 'gemini-m1', 'gemini-m2', 'gemini-m3', 'gemini-m4']);
    expect(models[0]).toEqual({ id: 'gemini-m0', provider: 'gemini', displayName: 'Gemini M0' });
  });
});
