/**
 * Embeddings through AWS Bedrock (InvokeModel with the Titan and Cohere Embed v3 bodies), through the
 * real handler on a node:http server with the `openai` SDK and the Gemini routes as callers, against
 * the fake Bedrock embeddings runtime (which verifies every SigV4 signature). The AWS SDK judges the
 * fake first.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/adapters/node/index.js';
import type { Credential } from '../../src/core/credential.js';
import { type BedrockCredentialOptions, bedrockCredential } from '../../src/executors/bedrock/bedrock-credential.js';
import { bedrockExecutor } from '../../src/executors/bedrock/bedrock-executor.js';
import { createHandler } from '../../src/http/index.js';
import { Manager } from '../../src/manager/manager.js';
import type { UsageRecord } from '../../src/manager/types.js';
import { bedrockError } from '../fakes/fake-bedrock.js';
import {
  COHERE_EN,
  COHERE_ML,
  type FakeBedrockEmbeddings,
  fakeCohereVector,
  startFakeBedrockEmbeddings,
  TITAN_V1,
  TITAN_V2,
} from '../fakes/fake-bedrock-embeddings.js';
import { countTokens, fakeVector, type RecordedRequest } from '../fakes/fake-server.js';

const KEY = 'sk-bedrock-embed-client';

let fake: FakeBedrockEmbeddings;
let second: FakeBedrockEmbeddings;

beforeAll(async () => {
  [fake, second] = await Promise.all([startFakeBedrockEmbeddings(), startFakeBedrockEmbeddings()]);
});
afterAll(async () => {
  await Promise.all([fake.close(), second.close()]);
});
beforeEach(() => {
  for (const f of [fake, second]) {
    f.requests.length = 0;
    f.authFailures.length = 0;
    f.options.latencyMs = 0;
    f.resetMaxInFlight();
  }
});

const bodyOf = (r: RecordedRequest) => r.body as Record<string, unknown>;
const MODELS = [
  { name: TITAN_V2, alias: 'titan-v2' },
  { name: TITAN_V1, alias: 'titan-v1' },
  { name: COHERE_EN, alias: 'cohere-en' },
  { name: COHERE_ML, alias: 'cohere-ml' },
  { name: 'anthropic.claude-3-5-haiku-20241022-v1:0', alias: 'haiku' },
];

function keys(on: FakeBedrockEmbeddings, extra: Partial<BedrockCredentialOptions> = {}): Credential {
  return bedrockCredential({
    id: 'aws-1',
    region: on.options.region,
    endpoint: on.url,
    auth: { accessKeyId: on.options.accessKeyId, secretAccessKey: on.options.secretAccessKey },
    models: MODELS,
    ...extra,
  });
}

interface Gateway {
  manager: Manager;
  url: string;
  openai: OpenAI;
  records: UsageRecord[];
  close(): Promise<void>;
}

const open: Gateway[] = [];

async function gateway(credentials: Credential[]): Promise<Gateway> {
  const executor = bedrockExecutor({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
  const records: UsageRecord[] = [];
  const manager = new Manager({
    executors: [executor],
    credentials,
    hooks: { onUsage: (r) => records.push(r) },
    retry: { attempts: 3, baseDelayMs: 0 },
  });
  const server: Server = createServer(createNodeListener(createHandler(manager, { apiKeys: [KEY] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gw: Gateway = {
    manager,
    url,
    records,
    openai: new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000 }),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await manager.close({ graceMs: 0 });
      await executor.close();
    },
  };
  open.push(gw);
  return gw;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
});

async function gemini(gw: Gateway, path: string, body: unknown) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const texts = (n: number, tag = 'text') => Array.from({ length: n }, (_, i) => `${tag} number ${i}`);

describe('the fake Bedrock embeddings runtime, judged by @aws-sdk/client-bedrock-runtime', () => {
  it('verifies the SDK signature and answers Titan V2 and Cohere Embed v3 bodies', async () => {
    const client = new BedrockRuntimeClient({
      region: fake.options.region,
      endpoint: fake.url,
      credentials: { accessKeyId: fake.options.accessKeyId, secretAccessKey: fake.options.secretAccessKey },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      const titan = await client.send(
        new InvokeModelCommand({
          modelId: TITAN_V2,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({ inputText: 'hello', dimensions: 256, normalize: true }),
        }),
      );
      const titanAnswer = JSON.parse(new TextDecoder().decode(titan.body)) as Record<string, unknown>;
      expect(fake.authFailures).toEqual([]);
      expect(fake.last!.path).toBe('/model/amazon.titan-embed-text-v2%3A0/invoke');
      expect(titanAnswer.embedding).toEqual(fakeVector('hello', 256));
      expect(titanAnswer.inputTextTokenCount).toBe(countTokens('hello'));

      const cohere = await client.send(
        new InvokeModelCommand({
          modelId: COHERE_EN,
          body: JSON.stringify({ texts: ['a', 'b'], input_type: 'search_query' }),
        }),
      );
      const cohereAnswer = JSON.parse(new TextDecoder().decode(cohere.body)) as Record<string, unknown>;
      expect(cohereAnswer.response_type).toBe('embeddings_floats');
      expect(cohereAnswer.embeddings).toEqual([
        fakeCohereVector('a', 'search_query'),
        fakeCohereVector('b', 'search_query'),
      ]);
      await expect(
        client.send(
          new InvokeModelCommand({ modelId: TITAN_V1, body: JSON.stringify({ inputText: 'x', dimensions: 256 }) }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    } finally {
      client.destroy();
    }
  });
});

describe('OpenAI callers → Bedrock Titan', () => {
  it('fans a batch of 3 out into 3 signed InvokeModel calls and answers floats in order, with usage', async () => {
    const gw = await gateway([keys(fake)]);
    const input = ['first', 'second text', 'third one here'];
    const result = await gw.openai.embeddings.create({ model: 'titan-v2', input, encoding_format: 'float' });
    expect(fake.authFailures).toEqual([]);
    expect(fake.requests).toHaveLength(3);
    for (const r of fake.requests) {
      expect(r.path).toBe('/model/amazon.titan-embed-text-v2%3A0/invoke');
      expect(String(r.headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=.*\/us-east-1\/bedrock\/aws4_request/,
      );
    }
    expect(fake.requests.map(bodyOf).sort((a, b) => String(a.inputText).localeCompare(String(b.inputText)))).toEqual(
      input.map((inputText) => ({ inputText, normalize: true })).sort((a, b) => a.inputText.localeCompare(b.inputText)),
    );
    expect(result.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(result.data.map((d) => d.embedding)).toEqual(input.map((t) => fakeVector(t, 1024)));
    const tokens = input.reduce((n, t) => n + countTokens(t), 0);
    expect(result.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(result.model).toBe(TITAN_V2);
    expect(gw.records).toHaveLength(1);
    expect(gw.records[0]).toMatchObject({
      provider: 'bedrock',
      promptTokens: tokens,
      completionTokens: 0,
      success: true,
    });
  });

  it('keeps the order when the calls overlap (bounded concurrency)', async () => {
    fake.options.latencyMs = 20;
    const gw = await gateway([keys(fake)]);
    const input = texts(10);
    const result = await gw.openai.embeddings.create({ model: 'titan-v2', input, encoding_format: 'float' });
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBeGreaterThan(1);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
    expect(result.data.map((d) => d.embedding)).toEqual(input.map((t) => fakeVector(t, 1024)));
  });

  it("encodes base64 itself (the SDK default) from Bedrock's floats, which the SDK decodes", async () => {
    const gw = await gateway([keys(fake)]);
    const input = ['alpha', 'beta'];
    const result = await gw.openai.embeddings.create({ model: 'titan-v2', input, dimensions: 256 });
    expect(fake.requests.map(bodyOf).map((b) => b.dimensions)).toEqual([256, 256]);
    expect(result.data.map((d) => Array.from(d.embedding))).toEqual(input.map((t) => fakeVector(t, 256)));
  });

  it('refuses dimensions Titan cannot answer with 400 naming the field, before any call', async () => {
    const gw = await gateway([keys(fake)]);
    const v2 = await gw.openai.embeddings.create({ model: 'titan-v2', input: 'x', dimensions: 300 }).catch((e) => e);
    expect(v2).toBeInstanceOf(OpenAI.BadRequestError);
    expect(v2.param).toBe('dimensions');
    expect(v2.message).toContain('256, 512, 1024');
    const v1 = await gw.openai.embeddings.create({ model: 'titan-v1', input: 'x', dimensions: 256 }).catch((e) => e);
    expect(v1).toBeInstanceOf(OpenAI.BadRequestError);
    expect(v1.param).toBe('dimensions');
    expect(v1.message).toContain(TITAN_V1);
    expect(fake.requests).toHaveLength(0);
    expect(await gw.manager.cooldowns()).toEqual([]);
  });

  it('sends Titan G1 only inputText, 1536 values back', async () => {
    const gw = await gateway([keys(fake)]);
    const result = await gw.openai.embeddings.create({ model: 'titan-v1', input: 'g1', encoding_format: 'float' });
    expect(bodyOf(fake.last!)).toEqual({ inputText: 'g1' });
    expect(result.data[0]!.embedding).toEqual(fakeVector('g1', 1536));
  });

  it('works with a Bedrock API key (Bearer, unsigned)', async () => {
    const gw = await gateway([keys(fake, { auth: { apiKey: fake.options.apiKey } })]);
    const result = await gw.openai.embeddings.create({ model: 'titan-v2', input: 'k', encoding_format: 'float' });
    expect(fake.last!.headers.authorization).toBe(`Bearer ${fake.options.apiKey}`);
    expect(result.data[0]!.embedding).toEqual(fakeVector('k', 1024));
  });

  it('does not route embeddings to a Bedrock chat model', async () => {
    const gw = await gateway([keys(fake)]);
    const err = await gw.openai.embeddings.create({ model: 'haiku', input: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain('embeddings API');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OpenAI callers → Bedrock Cohere Embed v3', () => {
  it('splits 200 inputs into calls of 96, 96 and 8, answers in order, usage from the token headers', async () => {
    const gw = await gateway([keys(fake)]);
    const input = texts(200);
    const result = await gw.openai.embeddings.create({ model: 'cohere-en', input });
    expect(fake.authFailures).toEqual([]);
    const sent = fake.requests.map(bodyOf);
    expect(sent.map((b) => (b.texts as string[]).length).sort((a, b) => b - a)).toEqual([96, 96, 8]);
    expect(sent.every((b) => b.input_type === 'search_document')).toBe(true);
    expect(fake.requests.every((r) => r.path === '/model/cohere.embed-english-v3/invoke')).toBe(true);
    expect(result.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(result.data.map((d) => Array.from(d.embedding))).toEqual(input.map((t) => fakeCohereVector(t)));
    const tokens = [input.slice(0, 96), input.slice(96, 192), input.slice(192)].reduce((n, c) => n + countTokens(c), 0);
    expect(result.usage.prompt_tokens).toBe(tokens);
    expect(gw.records[0]).toMatchObject({ promptTokens: tokens, modelUsed: COHERE_EN });
  });

  it("passes the caller's input_type and truncate, and refuses dimensions with 400", async () => {
    const gw = await gateway([keys(fake)]);
    const params = {
      model: 'cohere-ml',
      input: ['q'],
      encoding_format: 'float',
      input_type: 'search_query',
      truncate: 'END',
    };
    const result = await gw.openai.embeddings.create(params as OpenAI.EmbeddingCreateParams);
    expect(bodyOf(fake.last!)).toEqual({ texts: ['q'], input_type: 'search_query', truncate: 'END' });
    expect(result.data[0]!.embedding).toEqual(fakeCohereVector('q', 'search_query'));
    const err = await gw.openai.embeddings.create({ model: 'cohere-ml', input: 'x', dimensions: 512 }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('dimensions');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('Gemini callers → Bedrock', () => {
  it(':embedContent to Titan V2: outputDimensionality → dimensions, one vector back', async () => {
    const gw = await gateway([keys(fake)]);
    const res = await gemini(gw, '/v1beta/models/titan-v2:embedContent', {
      content: { parts: [{ text: 'What is the meaning of life?' }] },
      outputDimensionality: 512,
    });
    expect(res.status).toBe(200);
    expect(bodyOf(fake.last!)).toEqual({ inputText: 'What is the meaning of life?', dimensions: 512, normalize: true });
    expect(res.body).toEqual({ embedding: { values: fakeVector('What is the meaning of life?', 512) } });
  });

  it('@google/genai embedContent to Cohere: 100 contents in calls of 96 and 4, taskType → input_type', async () => {
    const gw = await gateway([keys(fake)]);
    const genai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gw.url, timeout: 10_000 } });
    const contents = texts(100, 'genai');
    const result = await genai.models.embedContent({
      model: 'cohere-ml',
      contents,
      config: { taskType: 'RETRIEVAL_QUERY' },
    });
    const sent = fake.requests.map(bodyOf);
    expect(sent.map((b) => (b.texts as string[]).length).sort((a, b) => b - a)).toEqual([96, 4]);
    expect(sent.every((b) => b.input_type === 'search_query')).toBe(true);
    expect(fake.requests[0]!.path).toBe('/model/cohere.embed-multilingual-v3/invoke');
    expect(result.embeddings?.map((e) => e.values)).toEqual(contents.map((t) => fakeCohereVector(t, 'search_query')));
  });

  it(':embedContent refuses an outputDimensionality Titan cannot answer, in Gemini shape', async () => {
    const gw = await gateway([keys(fake)]);
    const res = await gemini(gw, '/v1beta/models/titan-v2:embedContent', {
      content: { parts: [{ text: 'x' }] },
      outputDimensionality: 768,
    });
    expect(res.status).toBe(400);
    const error = res.body.error as { status: string; message: string };
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('outputDimensionality');
    expect(fake.requests).toHaveLength(0);
  });

  it(':batchEmbedContents to Cohere: taskType → input_type, split by type, order kept', async () => {
    const gw = await gateway([keys(fake)]);
    const requests = [
      { content: { parts: [{ text: 'q1' }] }, taskType: 'RETRIEVAL_QUERY' },
      { content: { parts: [{ text: 'd1' }] }, taskType: 'RETRIEVAL_DOCUMENT' },
      { content: { parts: [{ text: 'd2' }] } },
      { content: { parts: [{ text: 'c1' }] }, taskType: 'CLASSIFICATION' },
    ];
    const res = await gemini(gw, '/v1beta/models/cohere-en:batchEmbedContents', { requests });
    expect(res.status).toBe(200);
    expect(fake.requests.map(bodyOf).sort((a, b) => String(a.input_type).localeCompare(String(b.input_type)))).toEqual([
      { texts: ['c1'], input_type: 'classification' },
      { texts: ['d1', 'd2'], input_type: 'search_document' },
      { texts: ['q1'], input_type: 'search_query' },
    ]);
    expect(res.body).toEqual({
      embeddings: [
        { values: fakeCohereVector('q1', 'search_query') },
        { values: fakeCohereVector('d1') },
        { values: fakeCohereVector('d2') },
        { values: fakeCohereVector('c1', 'classification') },
      ],
    });
    expect(gw.records[0]?.promptTokens).toBe(countTokens(['q1']) + countTokens(['d1', 'd2']) + countTokens(['c1']));
  });
});

describe('failover and error classification', () => {
  it('a throttled credential is cooled and the request fails over to a second credential', async () => {
    const gw = await gateway([keys(fake, { id: 'aws-1', priority: 1 }), keys(second, { id: 'aws-2', priority: 0 })]);
    fake.script(bedrockError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'));
    const input = ['one', 'two', 'three'];
    const { data: result, response } = await gw.openai.embeddings
      .create({ model: 'titan-v2', input, encoding_format: 'float' })
      .withResponse();
    expect(response.status).toBe(200);
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    expect(second.requests).toHaveLength(3);
    expect(second.authFailures).toEqual([]);
    expect(result.data.map((d) => d.embedding)).toEqual(input.map((t) => fakeVector(t, 1024)));
    const cooldowns = await gw.manager.cooldowns();
    expect(cooldowns.map((c) => c.credentialId)).toEqual(['aws-1']);
    expect(gw.records[0]).toMatchObject({ credentialId: 'aws-2', attempts: 2, success: true });
  });

  it("a ValidationException is the caller's 400 and cools nothing", async () => {
    const gw = await gateway([keys(fake, { id: 'aws-1' }), keys(second, { id: 'aws-2' })]);
    const long = 'x'.repeat(3000);
    const err = await gw.openai.embeddings.create({ model: 'cohere-en', input: [long] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('expected maxLength: 2048');
    expect(fake.requests.length + second.requests.length).toBe(1);
    expect(await gw.manager.cooldowns()).toEqual([]);
  });

  it('a wrong secret is refused by the fake and is the credential’s fault', async () => {
    const gw = await gateway([
      keys(fake, {
        id: 'aws-bad',
        priority: 1,
        auth: { accessKeyId: fake.options.accessKeyId, secretAccessKey: 'wrong' },
      }),
      keys(second, { id: 'aws-2', priority: 0 }),
    ]);
    const result = await gw.openai.embeddings.create({ model: 'titan-v2', input: 'x', encoding_format: 'float' });
    expect(fake.authFailures).toEqual(['signature mismatch']);
    expect(result.data[0]!.embedding).toEqual(fakeVector('x', 1024));
    expect((await gw.manager.cooldowns()).map((c) => c.credentialId)).toEqual(['aws-bad']);
  });
});
