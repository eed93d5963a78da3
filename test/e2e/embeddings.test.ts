/**
 * Embeddings end to end: `switchyard serve` in front of the fake OpenAI, OpenAI-compatible, Gemini and
 * Azure OpenAI upstreams, with the official SDKs as clients: `openai` embeddings.create and `@google/genai`
 * models.embedContent, plus plain HTTP for Gemini's `:embedContent`, which the SDK never calls.
 */
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/manager/types.js';
import { type FakeAzure, startFakeAzure } from '../fakes/fake-azure.js';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini.js';
import { type FakeOpenAI, openaiError, startFakeOpenAI } from '../fakes/fake-openai.js';
import { countTokens, fakeVector, type RecordedRequest } from '../fakes/fake-server.js';
import { type Gateway, startGateway, stopAllGateways, waitUntil } from './gateway.js';

const KEY = 'sk-e2e-embed-client';
const SECRET = 'mgmt-e2e-embed-secret';
const OPENAI_KEYS = ['sk-e2e-embed-openai-1', 'sk-e2e-embed-openai-2'];
const GEMINI_KEY = 'AIza-e2e-embed-0000';
const COMPAT_KEY = 'sk-e2e-embed-compat';
/** Dollars per million input tokens, configured under `prices:`. */
const PRICES = { 'text-embedding-3-small': 0.02, 'gemini-embedding-001': 0.15, 'compat-embed-upstream': 0.01 };

let openai: FakeOpenAI;
let compat: FakeOpenAI;
let gemini: FakeGemini;
let gateway: Gateway;
let sdk: OpenAI;
let genai: GoogleGenAI;

beforeAll(async () => {
  [openai, compat, gemini] = await Promise.all([startFakeOpenAI(), startFakeOpenAI(), startFakeGemini()]);
  gateway = await startGateway({
    'api-keys': [KEY],
    'remote-management': { 'secret-key': SECRET },
    usage: { sink: 'memory' },
    prices: Object.fromEntries(Object.entries(PRICES).map(([model, input]) => [model, { input, output: 0 }])),
    'codex-api-key': OPENAI_KEYS.map((key, i) => ({
      'api-key': key,
      id: `openai-${i + 1}`,
      'base-url': openai.baseUrl,
    })),
    'gemini-api-key': [{ 'api-key': GEMINI_KEY, id: 'gemini-1', 'base-url': gemini.url }],
    'openai-compatibility': [
      {
        name: 'Compat Embed',
        'base-url': compat.baseUrl,
        'api-key-entries': [{ 'api-key': COMPAT_KEY, id: 'compat-1' }],
        models: [{ name: 'compat-embed-upstream', alias: 'compat-embed' }],
      },
    ],
  });
  sdk = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 15_000 });
  genai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gateway.url, timeout: 15_000 } });
});

afterAll(async () => {
  await stopAllGateways();
  await Promise.all([openai?.close(), compat?.close(), gemini?.close()]);
});

beforeEach(() => {
  for (const fake of [openai, compat, gemini]) fake.requests.length = 0;
});

const texts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} input ${i}`);
const bodyOf = (r: RecordedRequest) => r.body as Record<string, unknown>;
const secretOf = (r: RecordedRequest) =>
  (r.headers['x-goog-api-key'] as string | undefined) ?? String(r.headers.authorization).replace(/^Bearer /, '');

/** The ledger record of a request, by the id the gateway answered with. */
async function usageRecord(requestId: string): Promise<UsageRecord> {
  let found: UsageRecord | undefined;
  await waitUntil(async () => {
    const res = await fetch(`${gateway.url}/v0/management/usage/records?limit=200`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    const page = (await res.json()) as { records: UsageRecord[] };
    found = page.records.find((r) => r.requestId === requestId);
    return found !== undefined;
  });
  return found!;
}

async function embedWithId(params: OpenAI.EmbeddingCreateParams) {
  const { data, response } = await sdk.embeddings.create(params).withResponse();
  return { data, requestId: response.headers.get('x-request-id')! };
}

describe('OpenAI callers (openai embeddings.create)', () => {
  it('→ OpenAI: the SDK default base64 passes through, vectors decoded by the SDK, usage and cost recorded', async () => {
    const input = ['alpha', 'beta gamma'];
    const { data, requestId } = await embedWithId({ model: 'text-embedding-3-small', input });
    expect(openai.requests).toHaveLength(1);
    const sent = openai.requests[0]!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(OPENAI_KEYS).toContain(secretOf(sent));
    expect(bodyOf(sent)).toEqual({ model: 'text-embedding-3-small', input, encoding_format: 'base64' });
    expect(data.data.map((d) => Array.from(d.embedding))).toEqual(input.map((t) => fakeVector(t)));
    const tokens = countTokens('alpha') + countTokens('beta gamma');
    expect(data.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });

    const record = await usageRecord(requestId);
    expect(record).toMatchObject({
      modelRequested: 'text-embedding-3-small',
      modelUsed: 'text-embedding-3-small',
      provider: 'codex',
      promptTokens: tokens,
      completionTokens: 0,
      success: true,
      stream: false,
      attempts: 1,
    });
    expect(record.cost?.currency).toBe('USD');
    expect(record.cost?.amount).toBeCloseTo((tokens * PRICES['text-embedding-3-small']) / 1e6, 12);
  });

  it('→ OpenAI: floats, dimensions, user and token arrays as sent', async () => {
    const result = await sdk.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        [5, 6, 7],
        [8, 9],
      ],
      dimensions: 4,
      encoding_format: 'float',
      user: 'user-42',
    });
    expect(bodyOf(openai.requests[0]!)).toEqual({
      model: 'text-embedding-3-small',
      input: [
        [5, 6, 7],
        [8, 9],
      ],
      dimensions: 4,
      encoding_format: 'float',
      user: 'user-42',
    });
    expect(result.data.map((d) => d.embedding)).toEqual([fakeVector('[5,6,7]', 4), fakeVector('[8,9]', 4)]);
    expect(result.usage.prompt_tokens).toBe(5);
  });

  it('→ OpenAI-compatible service: the alias routes, the upstream name goes upstream', async () => {
    const result = await sdk.embeddings.create({ model: 'compat-embed', input: 'one', encoding_format: 'float' });
    expect(compat.requests).toHaveLength(1);
    expect(secretOf(compat.requests[0]!)).toBe(COMPAT_KEY);
    expect(bodyOf(compat.requests[0]!).model).toBe('compat-embed-upstream');
    expect(result.data[0]!.embedding).toEqual(fakeVector('one'));
  });

  it('→ Gemini: dimensions become outputDimensionality, floats are base64-encoded for the SDK, tokens estimated', async () => {
    const input = ['first text', 'second'];
    const { data, requestId } = await embedWithId({ model: 'gemini-embedding-001', input, dimensions: 8 });
    expect(gemini.requests).toHaveLength(1);
    const sent = gemini.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(bodyOf(sent)).toEqual({
      requests: input.map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 8,
      })),
    });
    // The SDK asked for base64 (its default) and decoded what the gateway encoded from Gemini's floats.
    expect(data.data.map((d) => Array.from(d.embedding))).toEqual(input.map((t) => fakeVector(t, 8)));
    expect(data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(data.object).toBe('list');
    // Gemini reports no tokens: about four characters a token, at least one per input.
    const estimate = Math.ceil('first text'.length / 4) + Math.ceil('second'.length / 4);
    expect(data.usage).toEqual({ prompt_tokens: estimate, total_tokens: estimate });
    const record = await usageRecord(requestId);
    expect(record).toMatchObject({ provider: 'gemini', promptTokens: estimate, success: true });
    expect(record.cost?.amount).toBeCloseTo((estimate * PRICES['gemini-embedding-001']) / 1e6, 12);
  });

  it('→ Gemini: 250 inputs go out in 3 calls of at most 100, answered in the caller order', async () => {
    const input = texts(250, 'split');
    const result = await sdk.embeddings.create({ model: 'gemini-embedding-001', input, encoding_format: 'float' });
    expect(gemini.requests.map((r) => (bodyOf(r).requests as unknown[]).length)).toEqual([100, 100, 50]);
    const sentTexts = gemini.requests.flatMap((r) =>
      (bodyOf(r).requests as Array<{ content: { parts: Array<{ text: string }> } }>).map(
        (q) => q.content.parts[0]!.text,
      ),
    );
    expect(sentTexts.sort()).toEqual([...input].sort());
    expect(result.data).toHaveLength(250);
    result.data.forEach((item, i) => {
      expect(item.index).toBe(i);
      expect(item.embedding).toEqual(fakeVector(input[i]!));
    });
  });

  it('fails over to the second credential when the first answers 429, cooling the first', async () => {
    openai.script(
      openaiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': '30' }),
    );
    const { data, requestId } = await embedWithId({ model: 'text-embedding-3-small', input: 'failover' });
    expect(openai.requests).toHaveLength(2);
    const [first, second] = openai.requests.map(secretOf);
    expect(first).not.toBe(second);
    expect(Array.from(data.data[0]!.embedding)).toEqual(fakeVector('failover'));
    const record = await usageRecord(requestId);
    expect(record.attempts).toBe(2);
    expect(record.success).toBe(true);
    const cooled = `openai-${OPENAI_KEYS.indexOf(first!) + 1}`;
    const status = (await (
      await fetch(`${gateway.url}/v0/management/status`, { headers: { authorization: `Bearer ${SECRET}` } })
    ).json()) as { credentials: Array<{ id: string; cooldowns: Array<{ model: string; reason: string }> }> };
    const cooldowns = status.credentials.find((c) => c.id === cooled)!.cooldowns;
    expect(cooldowns).toEqual([expect.objectContaining({ model: 'text-embedding-3-small' })]);
    // The cooled credential stays out: the next request goes to the other one only.
    openai.requests.length = 0;
    await sdk.embeddings.create({ model: 'text-embedding-3-small', input: 'after' });
    expect(openai.requests.map(secretOf)).toEqual([second]);
  });

  it('refuses bad input with OpenAI errors naming the field, before any upstream call', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'text-embedding-3-small', input: [] }, 'input'],
      [{ model: 'text-embedding-3-small', input: ['ok', 3.5] }, 'input.1'],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 0 }, 'dimensions'],
      [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
      [{ model: 'text-embedding-3-small', input: texts(2049, 'many') }, 'input'],
      [{ input: 'x' }, 'model'],
    ];
    for (const [body, param] of cases) {
      const error = await sdk.embeddings.create(body as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(body).slice(0, 80)).toBeInstanceOf(OpenAI.BadRequestError);
      const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(bad.param).toBe(param);
      expect(bad.type).toBe('invalid_request_error');
    }
    // Token arrays cannot go to Gemini: refused naming the input, and nothing cooled.
    const tokens = await sdk.embeddings.create({ model: 'gemini-embedding-001', input: [[1, 2]] }).catch((e) => e);
    expect(tokens).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tokens as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input.0');
    expect(openai.requests).toHaveLength(0);
    expect(gemini.requests).toHaveLength(0);
  });

  it('answers 404 in the OpenAI shape for a model no embedding-capable credential serves', async () => {
    const error = await sdk.embeddings.create({ model: 'claude-nothing', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('Gemini callers (@google/genai models.embedContent, and :embedContent over HTTP)', () => {
  it('→ Gemini: 250 contents in 3 calls of at most 100, taskType, title and outputDimensionality kept, order kept', async () => {
    const contents = texts(250, 'gemini');
    const result = await genai.models.embedContent({
      model: 'gemini-embedding-001',
      contents,
      config: { outputDimensionality: 6, taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc' },
    });
    expect(gemini.requests.map((r) => (bodyOf(r).requests as unknown[]).length)).toEqual([100, 100, 50]);
    for (const r of gemini.requests) {
      expect(r.headers['x-goog-api-key']).toBe(GEMINI_KEY);
      expect((bodyOf(r).requests as unknown[])[0]).toMatchObject({
        model: 'models/gemini-embedding-001',
        taskType: 'RETRIEVAL_DOCUMENT',
        title: 'Doc',
        outputDimensionality: 6,
      });
    }
    expect(result.embeddings?.map((e) => e.values)).toEqual(contents.map((t) => fakeVector(t, 6)));
  });

  it('→ OpenAI: the batch joined into one call, outputDimensionality as dimensions, answered as Gemini', async () => {
    const contents = ['uno', 'dos', 'tres'];
    const result = await genai.models.embedContent({
      model: 'text-embedding-3-small',
      contents,
      config: { outputDimensionality: 5 },
    });
    expect(openai.requests).toHaveLength(1);
    expect(bodyOf(openai.requests[0]!)).toEqual({
      model: 'text-embedding-3-small',
      input: contents,
      encoding_format: 'float',
      dimensions: 5,
    });
    expect(result.embeddings?.map((e) => e.values)).toEqual(contents.map((t) => fakeVector(t, 5)));
  });

  it(':embedContent → OpenAI answers { embedding }', async () => {
    const res = await fetch(`${gateway.url}/v1beta/models/text-embedding-3-small:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ content: { parts: [{ text: 'solo' }] } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ embedding: { values: fakeVector('solo') } });
    expect(bodyOf(openai.requests[0]!)).toMatchObject({ input: ['solo'] });
  });

  it(':embedContent → Gemini is sent as a one-request batch and answered { embedding }', async () => {
    const res = await fetch(`${gateway.url}/v1beta/models/gemini-embedding-001:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ content: { parts: [{ text: 'solo' }] }, taskType: 'RETRIEVAL_QUERY' }),
    });
    expect(await res.json()).toEqual({ embedding: { values: fakeVector('solo') } });
    expect(bodyOf(gemini.requests[0]!)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'solo' }] }, taskType: 'RETRIEVAL_QUERY' },
      ],
    });
  });

  it('refuses bad input with Google errors (INVALID_ARGUMENT) naming the field', async () => {
    const post = async (method: string, body: unknown) => {
      const res = await fetch(`${gateway.url}/v1beta/models/gemini-embedding-001:${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { error: { code: number; status: string; message: string } },
      };
    };
    const cases: Array<[string, unknown, string]> = [
      ['embedContent', { taskType: 'RETRIEVAL_QUERY' }, 'content'],
      ['embedContent', { content: { parts: [{ text: 'a' }] }, requests: [] }, 'requests'],
      ['batchEmbedContents', { requests: [] }, 'requests'],
      ['batchEmbedContents', { requests: [{ content: 'text' }] }, 'requests.0.content'],
      [
        'batchEmbedContents',
        { requests: [{ content: { parts: [{ text: 'a' }] }, outputDimensionality: -1 }] },
        'requests.0.outputDimensionality',
      ],
    ];
    for (const [method, body, field] of cases) {
      const answer = await post(method, body);
      expect(answer.status, `${method} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
      expect(answer.body.error.message).toContain(field);
    }
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('OpenAI callers → Azure OpenAI deployments (the azure-openai section)', () => {
  let azure: FakeAzure;
  let client: OpenAI;

  beforeAll(async () => {
    azure = await startFakeAzure();
    const az = await startGateway({
      'api-keys': [KEY],
      'azure-openai': [
        {
          id: 'az-dated',
          endpoint: azure.endpoint,
          'api-version': '2024-10-21',
          'api-key': azure.options.apiKey,
          models: [{ deployment: 'prod-embed', alias: 'azure-embed' }],
        },
        {
          id: 'az-v1',
          endpoint: azure.endpoint,
          'api-shape': 'v1',
          'api-key': azure.options.apiKey,
          models: [{ deployment: 'prod-embed', alias: 'azure-embed-v1' }],
        },
      ],
    });
    client = new OpenAI({ apiKey: KEY, baseURL: `${az.url}/v1`, maxRetries: 0, timeout: 15_000 });
  });

  afterAll(async () => {
    await azure?.close();
  });

  it('calls the deployment route of the dated API with the api-key header', async () => {
    const result = await client.embeddings.create({ model: 'azure-embed', input: ['x', 'y'] });
    const sent = azure.last!;
    expect(sent.path).toBe('/openai/deployments/prod-embed/embeddings?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe(azure.options.apiKey);
    expect(result.data.map((d) => Array.from(d.embedding))).toEqual([fakeVector('x'), fakeVector('y')]);
    expect(result.model).toBe('text-embedding-3-small');
  });

  it('calls /openai/v1/embeddings with the deployment as model on the v1 shape', async () => {
    const result = await client.embeddings.create({
      model: 'azure-embed-v1',
      input: 'z',
      encoding_format: 'float',
      dimensions: 3,
    });
    const sent = azure.last!;
    expect(sent.path).toBe('/openai/v1/embeddings');
    expect(bodyOf(sent)).toMatchObject({ model: 'prod-embed', input: 'z', dimensions: 3 });
    expect(result.data[0]!.embedding).toEqual(fakeVector('z', 3));
  });
});
