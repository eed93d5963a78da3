/**
 * The official SDKs pointed straight at the fakes' embedding routes: `openai` (`embeddings.create`, which
 * asks for base64 by default and decodes it, and with `encoding_format: 'float'`), its `AzureOpenAI`
 * class, and `@google/genai` (`models.embedContent`, which the SDK sends to `:batchEmbedContents`). The
 * SDKs judge the fakes before the gateway's tests rely on them.
 */
import { GoogleGenAI } from '@google/genai';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAzure, startFakeAzure } from './fake-azure.js';
import { type FakeGemini, startFakeGemini } from './fake-gemini.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai.js';
import { FAKE_EMBEDDING_DIMENSIONS, fakeVector } from './fake-server.js';

let openai: FakeOpenAI;
let gemini: FakeGemini;
let azure: FakeAzure;

beforeAll(async () => {
  [openai, gemini, azure] = await Promise.all([startFakeOpenAI(), startFakeGemini(), startFakeAzure()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), gemini.close(), azure.close()]);
});

describe('openai judges the fake OpenAI embeddings', () => {
  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: openai.baseUrl, maxRetries: 0 });

  it('answers the SDK default (base64 asked, decoded by the SDK) with the vectors of each input, in order', async () => {
    const result = await client().embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect((openai.last!.body as { encoding_format: string }).encoding_format).toBe('base64');
    expect(result.object).toBe('list');
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.data.map((d) => [d.index, Array.from(d.embedding)])).toEqual([
      [0, fakeVector('a')],
      [1, fakeVector('b')],
    ]);
    expect(result.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('answers floats with dimensions when asked, and token arrays', async () => {
    const result = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: [[1, 2, 3]],
      dimensions: 4,
      encoding_format: 'float',
    });
    expect(result.data[0]!.embedding).toEqual(fakeVector('[1,2,3]', 4));
    expect(result.usage.prompt_tokens).toBe(3);
  });

  it('refuses a body without input as the API does', async () => {
    const error = await client()
      .embeddings.create({ model: 'text-embedding-3-small' } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).type).toBe('invalid_request_error');
  });
});

describe('AzureOpenAI judges the fake Azure embeddings', () => {
  it('answers the deployment route of the dated API and the v1 route', async () => {
    const dated = new AzureOpenAI({
      endpoint: azure.endpoint,
      apiKey: azure.options.apiKey,
      apiVersion: '2024-10-21',
      maxRetries: 0,
    });
    const one = await dated.embeddings.create({ model: 'prod-embed', input: 'hello' });
    expect(azure.last!.path).toBe('/openai/deployments/prod-embed/embeddings?api-version=2024-10-21');
    expect(Array.from(one.data[0]!.embedding)).toEqual(fakeVector('hello'));
    expect(one.model).toBe('text-embedding-3-small');
    const v1 = new OpenAI({ apiKey: azure.options.apiKey, baseURL: `${azure.endpoint}/openai/v1`, maxRetries: 0 });
    const two = await v1.embeddings.create({ model: 'prod-embed', input: 'hello', encoding_format: 'float' });
    expect(azure.last!.path).toBe('/openai/v1/embeddings');
    expect(two.data[0]!.embedding).toEqual(fakeVector('hello'));
  });
});

describe('@google/genai judges the fake Gemini embeddings', () => {
  const client = () => new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: gemini.url } });

  it('answers models.embedContent (sent to :batchEmbedContents) with one vector per content, in order', async () => {
    const result = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['first', 'second'],
      config: { outputDimensionality: 8, taskType: 'RETRIEVAL_DOCUMENT', title: 'doc' },
    });
    const sent = gemini.last!;
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.headers['x-goog-api-key']).toBe('AIza-test');
    expect((sent.body as { requests: unknown[] }).requests[0]).toMatchObject({
      model: 'models/gemini-embedding-001',
      taskType: 'RETRIEVAL_DOCUMENT',
      title: 'doc',
      outputDimensionality: 8,
    });
    expect(result.embeddings?.map((e) => e.values)).toEqual([fakeVector('first', 8), fakeVector('second', 8)]);
  });

  it('refuses more than 100 requests in one batch, and answers :embedContent with { embedding }', async () => {
    const contents = Array.from({ length: 101 }, (_, i) => `t${i}`);
    const error = await client()
      .models.embedContent({ model: 'gemini-embedding-001', contents })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/at most 100 requests can be in one batch/);
    const response = await fetch(`${gemini.url}/v1beta/models/gemini-embedding-001:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'AIza-test' },
      body: JSON.stringify({ content: { parts: [{ text: 'x' }] } }),
    });
    expect(await response.json()).toEqual({ embedding: { values: fakeVector('x', FAKE_EMBEDDING_DIMENSIONS) } });
  });
});
