import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../core/errors.js';
import { base64ToFloat32, float32ToBase64 } from './float32-base64.js';
import { answerEmbeddings, decodeEmbeddingRequest, planEmbeddings } from './plan.js';

const vector = (i: number, dims = 3) => Array.from({ length: dims }, (_, d) => i + d / 4);

function invalidParam(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (SwitchyardError.is(err) && err.kind === 'invalid_request') return err.param ?? '';
    throw err;
  }
  return undefined;
}

describe('float32 base64', () => {
  it('encodes little-endian float32 exactly as the OpenAI SDK decodes it (Float32Array over the bytes)', () => {
    const values = [0.1, -2.5, 3.4028234663852886e38, 0, 1e-7];
    const encoded = float32ToBase64(values);
    const buf = Buffer.from(encoded, 'base64');
    const sdk = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
    expect(sdk).toEqual(values.map((v) => Math.fround(v)));
    expect(buf.readFloatLE(4)).toBe(-2.5);
    expect(base64ToFloat32(encoded)).toEqual(sdk);
  });

  it('refuses base64 that is not whole float32s', () => {
    expect(base64ToFloat32('AAA=')).toBeUndefined();
    expect(base64ToFloat32('%%%')).toBeUndefined();
  });
});

describe('decoding caller requests', () => {
  it('reads every OpenAI input form', () => {
    const forms: Array<[unknown, unknown[]]> = [
      ['hello', [{ text: 'hello' }]],
      [
        ['a', 'b'],
        [{ text: 'a' }, { text: 'b' }],
      ],
      [[1, 2, 3], [{ tokens: [1, 2, 3] }]],
      [
        [[1, 2], [3]],
        [{ tokens: [1, 2] }, { tokens: [3] }],
      ],
    ];
    for (const [input, expected] of forms) {
      const request = decodeEmbeddingRequest('openai-chat', { model: 'm', input });
      expect(request.inputs.map(({ text, tokens }) => (text !== undefined ? { text } : { tokens }))).toEqual(expected);
      expect(request.encoding).toBe('float');
    }
  });

  it('refuses malformed OpenAI bodies naming the field', () => {
    expect(invalidParam(() => decodeEmbeddingRequest('openai-chat', { model: 'm', input: [] }))).toBe('input');
    expect(invalidParam(() => decodeEmbeddingRequest('openai-chat', { model: 'm', input: ['a', {}] }))).toBe('input.1');
    expect(invalidParam(() => decodeEmbeddingRequest('openai-chat', { model: 'm', input: 'a', dimensions: 0 }))).toBe(
      'dimensions',
    );
    expect(
      invalidParam(() => decodeEmbeddingRequest('openai-chat', { model: 'm', input: 'a', encoding_format: 'int8' })),
    ).toBe('encoding_format');
    const tooMany = Array.from({ length: 2049 }, () => 'x');
    expect(invalidParam(() => decodeEmbeddingRequest('openai-chat', { model: 'm', input: tooMany }))).toBe('input');
  });

  it('reads Gemini embedContent as single and batchEmbedContents as a batch', () => {
    const single = decodeEmbeddingRequest('gemini', {
      content: { parts: [{ text: 'a' }, { text: 'b' }] },
      taskType: 'RETRIEVAL_QUERY',
      outputDimensionality: 8,
    });
    expect(single.single).toBe(true);
    expect(single.inputs[0]).toMatchObject({ text: 'a\nb', taskType: 'RETRIEVAL_QUERY', dimensions: 8 });
    const batch = decodeEmbeddingRequest('gemini', {
      requests: [{ model: 'models/x', content: { parts: [{ text: 'q' }] } }],
    });
    expect(batch.single).toBe(false);
    expect(invalidParam(() => decodeEmbeddingRequest('gemini', { requests: [{ content: {} }] }))).toBe(
      'requests.0.content',
    );
    expect(invalidParam(() => decodeEmbeddingRequest('anthropic-messages', {}))).toBe('');
  });
});

describe('planning upstream calls', () => {
  it('splits 150 OpenAI inputs into Gemini batches of 100 and 50, in order, with outputDimensionality', () => {
    const input = Array.from({ length: 150 }, (_, i) => `text ${i}`);
    const request = decodeEmbeddingRequest('openai-chat', { model: 'm', input, dimensions: 64, user: 'u1' });
    const plan = planEmbeddings(request, 'gemini', 'gemini-embedding-001');
    expect(plan.calls.map((c) => c.count)).toEqual([100, 50]);
    const requests = plan.calls.flatMap((c) => c.body.requests as Array<Record<string, unknown>>);
    expect(requests.map((r) => (r.content as { parts: Array<{ text: string }> }).parts[0]!.text)).toEqual(input);
    expect(requests[0]).toEqual({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'text 0' }] },
      outputDimensionality: 64,
    });
    expect(plan.warnings).toEqual(['dropped-embedding-user: Gemini has no end-user field']);

    const answers = plan.calls.map((call, b) => ({
      embeddings: Array.from({ length: call.count }, (_, i) => ({ values: vector(b * 100 + i) })),
    }));
    const answer = answerEmbeddings(plan, answers, 'gemini-embedding-001');
    const data = answer.body!.data as Array<{ index: number; embedding: number[] }>;
    expect(data).toHaveLength(150);
    expect(data[149]).toEqual({ object: 'embedding', index: 149, embedding: vector(149) });
    expect(answer.estimated).toBe(true);
    // "text 0".."text 9" are 6 characters (2 tokens), the rest 7 or 8 (2 tokens): 2 per input.
    expect(answer.inputTokens).toBe(300);
    expect(answer.body!.usage).toEqual({ prompt_tokens: 300, total_tokens: 300 });
  });

  it('encodes base64 for an OpenAI caller when the Gemini upstream returns floats', () => {
    const request = decodeEmbeddingRequest('openai-chat', { model: 'm', input: 'hi', encoding_format: 'base64' });
    const plan = planEmbeddings(request, 'gemini', 'g');
    const answer = answerEmbeddings(plan, [{ embeddings: [{ values: [0.5, -1] }] }], 'g');
    const item = (answer.body!.data as Array<{ embedding: string }>)[0]!;
    expect(base64ToFloat32(item.embedding)).toEqual([0.5, -1]);
  });

  it('refuses token input for a Gemini upstream', () => {
    const request = decodeEmbeddingRequest('openai-chat', { model: 'm', input: [[1, 2]] });
    expect(invalidParam(() => planEmbeddings(request, 'gemini', 'g'))).toBe('input.0');
  });

  it('joins a Gemini batch into one OpenAI call, and splits it where outputDimensionality changes', () => {
    const item = (text: string, dims?: number) => ({
      model: 'models/x',
      content: { parts: [{ text }] },
      ...(dims ? { outputDimensionality: dims } : {}),
      taskType: 'RETRIEVAL_DOCUMENT',
    });
    const request = decodeEmbeddingRequest('gemini', { requests: [item('a', 4), item('b', 4), item('c')] });
    const plan = planEmbeddings(request, 'openai', 'text-embedding-3-small');
    expect(plan.calls.map((c) => c.body)).toEqual([
      { model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float', dimensions: 4 },
      { model: 'text-embedding-3-small', input: ['c'], encoding_format: 'float' },
    ]);
    expect(plan.warnings).toEqual(['dropped-embedding-task: an OpenAI-shaped upstream has no taskType or title']);
    const answers = [
      {
        object: 'list',
        // Out of order on purpose: `index` decides.
        data: [
          { object: 'embedding', index: 1, embedding: float32ToBase64([2]) },
          { object: 'embedding', index: 0, embedding: [1] },
        ],
        usage: { prompt_tokens: 2, total_tokens: 2 },
      },
      { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [3] }], usage: { prompt_tokens: 1 } },
    ];
    const answer = answerEmbeddings(plan, answers, 'text-embedding-3-small');
    expect(answer).toEqual({
      body: { embeddings: [{ values: [1] }, { values: [2] }, { values: [3] }] },
      inputTokens: 3,
      estimated: false,
    });
  });

  it('answers a single embedContent as { embedding }', () => {
    const request = decodeEmbeddingRequest('gemini', { content: { parts: [{ text: 'a' }] } });
    const plan = planEmbeddings(request, 'openai', 'e');
    const answer = answerEmbeddings(
      plan,
      [{ data: [{ index: 0, embedding: [1, 2] }], usage: { prompt_tokens: 1 } }],
      'e',
    );
    expect(answer.body).toEqual({ embedding: { values: [1, 2] } });
  });

  it('passes an OpenAI body to an OpenAI upstream as sent, and its answer back when the format matches', () => {
    const body = { model: 'alias', input: 'hi', encoding_format: 'base64', input_type: 'query' };
    const request = decodeEmbeddingRequest('openai-chat', body);
    const plan = planEmbeddings(request, 'openai', 'text-embedding-3-small');
    expect(plan.calls).toEqual([{ body: { ...body, model: 'text-embedding-3-small' }, count: 1 }]);
    const b64 = { data: [{ index: 0, embedding: float32ToBase64([1]) }], usage: { prompt_tokens: 1 } };
    expect(answerEmbeddings(plan, [b64], 'x')).toEqual({ body: undefined, inputTokens: 1, estimated: false });
    // A compatible service that ignored base64 and sent floats: re-encoded.
    const floats = { data: [{ index: 0, embedding: [0.25] }], usage: { prompt_tokens: 1 } };
    const answer = answerEmbeddings(plan, [floats], 'x');
    expect((answer.body!.data as Array<{ embedding: string }>)[0]!.embedding).toBe(float32ToBase64([0.25]));
  });

  it('fails when the upstream answers the wrong number of vectors', () => {
    const request = decodeEmbeddingRequest('openai-chat', { model: 'm', input: ['a', 'b'] });
    const plan = planEmbeddings(request, 'gemini', 'g');
    expect(() => answerEmbeddings(plan, [{ embeddings: [{ values: [1] }] }], 'g')).toThrow(/1 embeddings for 2/);
  });
});
