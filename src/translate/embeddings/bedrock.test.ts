import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../core/errors.js';
import { bedrockEmbeddingWire, COHERE_MAX_EMBEDDING_TEXTS } from './bedrock.js';
import { float32ToBase64 } from './float32-base64.js';
import { answerEmbeddings, decodeEmbeddingRequest, planEmbeddings } from './plan.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const TITAN_V1 = 'amazon.titan-embed-text-v1';
const COHERE = 'cohere.embed-english-v3';
const COHERE_ML = 'cohere.embed-multilingual-v3';

const openai = (body: Record<string, unknown>) => decodeEmbeddingRequest('openai-chat', { model: 'm', ...body });
const gemini = (body: Record<string, unknown>) => decodeEmbeddingRequest('gemini', body);
const item = (text: string, extra: Record<string, unknown> = {}) => ({ content: { parts: [{ text }] }, ...extra });

/** The invalid_request error's param (and message) of a failing call. */
function refusal(run: () => unknown): { param: string; message: string } | undefined {
  try {
    run();
  } catch (err) {
    if (SwitchyardError.is(err) && err.kind === 'invalid_request') {
      expect(err.status).toBe(400);
      return { param: err.param ?? '', message: err.message };
    }
    throw err;
  }
  return undefined;
}

describe('bedrockEmbeddingWire', () => {
  it('knows the Titan and Cohere Embed v3 model ids, also inside ARNs, and nothing else', () => {
    expect(bedrockEmbeddingWire(TITAN_V2)).toBe('bedrock-titan');
    expect(bedrockEmbeddingWire(TITAN_V1)).toBe('bedrock-titan');
    expect(bedrockEmbeddingWire('amazon.titan-embed-g1-text-02')).toBe('bedrock-titan');
    expect(bedrockEmbeddingWire(COHERE)).toBe('bedrock-cohere');
    expect(bedrockEmbeddingWire(COHERE_ML)).toBe('bedrock-cohere');
    expect(bedrockEmbeddingWire(`arn:aws:bedrock:us-east-1::foundation-model/${TITAN_V2}`)).toBe('bedrock-titan');
    expect(bedrockEmbeddingWire('anthropic.claude-3-5-haiku-20241022-v1:0')).toBeUndefined();
    expect(bedrockEmbeddingWire('amazon.titan-embed-image-v1')).toBeUndefined();
    expect(bedrockEmbeddingWire('amazon.nova-lite-v1:0')).toBeUndefined();
  });
});

describe('Titan upstream', () => {
  it('fans a batch out into one call per text, in order, V2 normalised by default', () => {
    const plan = planEmbeddings(openai({ input: ['a', 'b', 'c'] }), 'bedrock-titan', TITAN_V2);
    expect(plan.calls).toEqual([
      { body: { inputText: 'a', normalize: true }, count: 1 },
      { body: { inputText: 'b', normalize: true }, count: 1 },
      { body: { inputText: 'c', normalize: true }, count: 1 },
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('maps dimensions to V2 dimensions and refuses lengths it cannot answer, naming the caller field', () => {
    const plan = planEmbeddings(openai({ input: 'a', dimensions: 256 }), 'bedrock-titan', TITAN_V2);
    expect(plan.calls[0]!.body).toEqual({ inputText: 'a', dimensions: 256, normalize: true });
    const openaiRefusal = refusal(() =>
      planEmbeddings(openai({ input: 'a', dimensions: 300 }), 'bedrock-titan', TITAN_V2),
    );
    expect(openaiRefusal?.param).toBe('dimensions');
    expect(openaiRefusal?.message).toContain('256, 512, 1024');
    const batch = gemini({ requests: [item('x'), item('y', { outputDimensionality: 768 })] });
    expect(refusal(() => planEmbeddings(batch, 'bedrock-titan', TITAN_V2))?.param).toBe(
      'requests.1.outputDimensionality',
    );
    const single = gemini(item('x', { outputDimensionality: 768 }));
    expect(refusal(() => planEmbeddings(single, 'bedrock-titan', TITAN_V2))?.param).toBe('outputDimensionality');
  });

  it('sends G1 only inputText, and refuses dimensions other than its 1536', () => {
    const plan = planEmbeddings(openai({ input: ['a'] }), 'bedrock-titan', TITAN_V1);
    expect(plan.calls[0]!.body).toEqual({ inputText: 'a' });
    expect(planEmbeddings(openai({ input: 'a', dimensions: 1536 }), 'bedrock-titan', TITAN_V1).calls[0]!.body).toEqual({
      inputText: 'a',
    });
    const refused = refusal(() => planEmbeddings(openai({ input: 'a', dimensions: 512 }), 'bedrock-titan', TITAN_V1));
    expect(refused?.param).toBe('dimensions');
    expect(refused?.message).toContain(TITAN_V1);
  });

  it("passes an OpenAI caller's normalize: false, and refuses token arrays naming the input", () => {
    const plan = planEmbeddings(openai({ input: 'a', normalize: false }), 'bedrock-titan', TITAN_V2);
    expect(plan.calls[0]!.body).toEqual({ inputText: 'a', normalize: false });
    expect(refusal(() => planEmbeddings(openai({ input: ['a', [1, 2]] }), 'bedrock-titan', TITAN_V2))?.param).toBe(
      'input.1',
    );
  });

  it('warns about what it drops: taskType, title, user', () => {
    const plan = planEmbeddings(
      gemini({ requests: [item('x', { taskType: 'RETRIEVAL_QUERY' })] }),
      'bedrock-titan',
      TITAN_V2,
    );
    expect(plan.warnings).toEqual(['dropped-embedding-task: Titan embedding models have no taskType or title']);
    const withUser = planEmbeddings(openai({ input: 'a', user: 'u1' }), 'bedrock-titan', TITAN_V2);
    expect(withUser.warnings).toEqual(['dropped-embedding-user: Bedrock has no end-user field']);
  });

  it("joins the answers in order, summing inputTextTokenCount, in the caller's shape (base64 encoded by us)", () => {
    const request = openai({ input: ['a', 'b', 'c'], encoding_format: 'base64' });
    const plan = planEmbeddings(request, 'bedrock-titan', TITAN_V2);
    const vectors = [
      [0.5, -1],
      [0.25, 2],
      [1, 0],
    ];
    const answers = vectors.map((embedding, i) => ({
      embedding,
      inputTextTokenCount: i + 1,
      embeddingsByType: { float: embedding },
    }));
    const answer = answerEmbeddings(plan, answers, TITAN_V2);
    expect(answer.inputTokens).toBe(6);
    expect(answer.estimated).toBe(false);
    expect(answer.body).toEqual({
      object: 'list',
      data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: float32ToBase64(v) })),
      model: TITAN_V2,
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });

  it('reads embeddingsByType.float when embedding is missing, and fails on an unreadable answer', () => {
    const plan = planEmbeddings(gemini(item('x')), 'bedrock-titan', TITAN_V2);
    const answer = answerEmbeddings(plan, [{ embeddingsByType: { float: [1, 2] } }], TITAN_V2, [
      { 'x-amzn-bedrock-input-token-count': '7' },
    ]);
    expect(answer.body).toEqual({ embedding: { values: [1, 2] } });
    expect(answer.inputTokens).toBe(7);
    expect(() => answerEmbeddings(plan, [{ embedding: 'nope' }], TITAN_V2)).toThrow(/unreadable Titan embedding/);
  });
});

describe('Cohere upstream', () => {
  const texts = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

  it('splits more than 96 texts into calls of 96, in order, search_document by default', () => {
    const input = texts(200);
    const plan = planEmbeddings(openai({ input }), 'bedrock-cohere', COHERE);
    expect(plan.calls.map((c) => c.count)).toEqual([COHERE_MAX_EMBEDDING_TEXTS, COHERE_MAX_EMBEDDING_TEXTS, 8]);
    expect(plan.calls[0]!.body).toEqual({ texts: input.slice(0, 96), input_type: 'search_document' });
    expect(plan.calls[2]!.body).toEqual({ texts: input.slice(192), input_type: 'search_document' });
  });

  it("takes an OpenAI caller's input_type and truncate, and refuses values Cohere does not know", () => {
    const plan = planEmbeddings(
      openai({ input: 'q', input_type: 'search_query', truncate: 'END' }),
      'bedrock-cohere',
      COHERE,
    );
    expect(plan.calls[0]!.body).toEqual({ texts: ['q'], input_type: 'search_query', truncate: 'END' });
    expect(
      refusal(() => planEmbeddings(openai({ input: 'q', input_type: 'query' }), 'bedrock-cohere', COHERE))?.param,
    ).toBe('input_type');
    expect(
      refusal(() => planEmbeddings(openai({ input: 'q', truncate: 'LEFT' }), 'bedrock-cohere', COHERE))?.param,
    ).toBe('truncate');
  });

  it('maps Gemini taskType to input_type, inputs of different types in separate calls', () => {
    const request = gemini({
      requests: [
        item('q1', { taskType: 'RETRIEVAL_QUERY' }),
        item('q2', { taskType: 'RETRIEVAL_QUERY' }),
        item('d1', { taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc' }),
        item('c1', { taskType: 'CLUSTERING' }),
        item('s1', { taskType: 'SEMANTIC_SIMILARITY' }),
      ],
    });
    const plan = planEmbeddings(request, 'bedrock-cohere', COHERE_ML);
    expect(plan.calls.map((c) => c.body)).toEqual([
      { texts: ['q1', 'q2'], input_type: 'search_query' },
      { texts: ['d1'], input_type: 'search_document' },
      { texts: ['c1'], input_type: 'clustering' },
      { texts: ['s1'], input_type: 'search_document' },
    ]);
    expect(plan.warnings).toEqual(['dropped-embedding-title: Cohere Embed has no title']);
  });

  it('refuses dimensions other than 1024, naming the caller field', () => {
    expect(planEmbeddings(openai({ input: 'a', dimensions: 1024 }), 'bedrock-cohere', COHERE).calls[0]!.body).toEqual({
      texts: ['a'],
      input_type: 'search_document',
    });
    const refused = refusal(() => planEmbeddings(openai({ input: 'a', dimensions: 256 }), 'bedrock-cohere', COHERE));
    expect(refused?.param).toBe('dimensions');
    expect(refused?.message).toContain('1024');
    const batch = gemini({ requests: [item('x'), item('y'), item('z', { outputDimensionality: 512 })] });
    expect(refusal(() => planEmbeddings(batch, 'bedrock-cohere', COHERE))?.param).toBe(
      'requests.2.outputDimensionality',
    );
  });

  it('joins answers of several calls in order, input tokens from the header of each', () => {
    const input = texts(100);
    const request = openai({ input, encoding_format: 'float' });
    const plan = planEmbeddings(request, 'bedrock-cohere', COHERE);
    const vector = (i: number) => [i, -i];
    const answers = [
      {
        id: 'a',
        response_type: 'embeddings_floats',
        texts: input.slice(0, 96),
        embeddings: input.slice(0, 96).map((_, i) => vector(i)),
      },
      {
        id: 'b',
        response_type: 'embeddings_by_type',
        texts: input.slice(96),
        embeddings: { float: input.slice(96).map((_, i) => vector(96 + i)) },
      },
    ];
    const answer = answerEmbeddings(plan, answers, COHERE, [
      { 'x-amzn-bedrock-input-token-count': '190' },
      { 'x-amzn-bedrock-input-token-count': '8' },
    ]);
    expect(answer.inputTokens).toBe(198);
    expect(answer.estimated).toBe(false);
    const data = (answer.body as { data: Array<{ index: number; embedding: number[] }> }).data;
    expect(data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(data.map((d) => d.embedding)).toEqual(input.map((_, i) => vector(i)));
  });

  it('estimates tokens when the header is missing, and fails when the count is wrong', () => {
    const plan = planEmbeddings(openai({ input: ['abcdefgh'] }), 'bedrock-cohere', COHERE);
    const answer = answerEmbeddings(plan, [{ embeddings: [[1]] }], COHERE);
    expect(answer).toMatchObject({ inputTokens: 2, estimated: true });
    expect(() => answerEmbeddings(plan, [{ embeddings: [] }], COHERE)).toThrow(/0 embeddings for 1 texts/);
  });
});
