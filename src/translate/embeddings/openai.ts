import { UpstreamError } from '../../core/errors.js';
import { invalid, isRecord, type JsonObject, num } from '../json.js';
import { base64ToFloat32, float32ToBase64 } from './float32-base64.js';
import type {
  EmbeddingBatchResult,
  EmbeddingCallerShape,
  EmbeddingInput,
  EmbeddingRequest,
  EmbeddingUpstreamShape,
  EncodedEmbeddingCall,
} from './types.js';

/**
 * The most inputs one `POST /v1/embeddings` takes ("any array must be 2048 dimensions or less").
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export const OPENAI_MAX_EMBEDDING_INPUTS = 2048;

/** Fields of the OpenAI request this module reads; any other passes through to OpenAI-shaped upstreams only. */
const KNOWN = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);
}

function readInputs(input: unknown): EmbeddingInput[] {
  if (typeof input === 'string') return [{ text: input, native: input }];
  if (!Array.isArray(input) || input.length === 0) {
    return invalid('input', 'must be a string, an array of strings, or an array of token arrays (not empty)');
  }
  if (input.every((item) => typeof item === 'number')) {
    if (!isTokenArray(input)) return invalid('input', 'token ids must be non-negative integers');
    return [{ tokens: input, native: input }];
  }
  return input.map((item, i): EmbeddingInput => {
    if (typeof item === 'string') return { text: item, native: item };
    if (isTokenArray(item)) return { tokens: item, native: item };
    return invalid(`input.${i}`, 'must be a string or an array of non-negative integer token ids');
  });
}

/**
 * OpenAI's `POST /v1/embeddings` as callers send it: `input` as a string, strings, a token array or
 * token arrays; `dimensions`; `encoding_format` `float` (the API's default) or `base64`; `user`.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export const openaiEmbeddingCaller: EmbeddingCallerShape = {
  wire: 'openai',
  decodeRequest(body: JsonObject): EmbeddingRequest {
    const inputs = readInputs(body.input);
    if (inputs.length > OPENAI_MAX_EMBEDDING_INPUTS) {
      invalid('input', `holds ${inputs.length} inputs; at most ${OPENAI_MAX_EMBEDDING_INPUTS} are allowed`);
    }
    const dimensions = body.dimensions;
    if (dimensions !== undefined && dimensions !== null) {
      if (!Number.isInteger(dimensions) || (dimensions as number) < 1)
        invalid('dimensions', 'must be a positive integer');
      for (const input of inputs) input.dimensions = dimensions as number;
    }
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') invalid('encoding_format', "must be 'float' or 'base64'");
    const request: EmbeddingRequest = { wire: 'openai', inputs, encoding: format, single: false, body };
    if (typeof body.user === 'string') request.user = body.user;
    else if (body.user !== undefined && body.user !== null) invalid('user', 'must be a string');
    return request;
  },
  encodeResponse(vectors, request, info): JsonObject {
    const base64 = request.encoding === 'base64';
    return {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? float32ToBase64(vector) : vector,
      })),
      model: info.model,
      usage: { prompt_tokens: info.inputTokens, total_tokens: info.inputTokens },
    };
  },
};

function readVector(value: unknown): number[] | undefined {
  if (typeof value === 'string') return base64ToFloat32(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  return undefined;
}

/**
 * OpenAI-shaped upstreams (`POST {base}/embeddings`): at most 2048 inputs per call, one `dimensions`
 * per call, text and token inputs in separate calls. A caller of the same shape is passed on as sent
 * (model replaced); others are asked for `float` vectors, which every compatible service supports.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
export const openaiEmbeddingUpstream: EmbeddingUpstreamShape = {
  wire: 'openai',
  maxBatch: OPENAI_MAX_EMBEDDING_INPUTS,
  batchKey: (input) => `${input.tokens ? 'tokens' : 'text'}:${input.dimensions ?? ''}`,
  encodeRequest(inputs, request, model): EncodedEmbeddingCall {
    if (request.wire === 'openai' && inputs.length === request.inputs.length) {
      return { body: { ...request.body, model }, warnings: [] };
    }
    const warnings: string[] = [];
    const values = inputs.map((input, i) => {
      if (input.nonText)
        invalid(`input.${i}`, 'holds parts that are not text, which an OpenAI-shaped upstream cannot embed');
      return input.tokens ?? input.text ?? '';
    });
    if (inputs.some((input) => input.taskType !== undefined || input.title !== undefined)) {
      warnings.push('dropped-embedding-task: an OpenAI-shaped upstream has no taskType or title');
    }
    const body: JsonObject = { model, input: values, encoding_format: 'float' };
    const dimensions = inputs[0]?.dimensions;
    if (dimensions !== undefined) body.dimensions = dimensions;
    if (request.user !== undefined) body.user = request.user;
    if (request.wire === 'openai') {
      for (const key in request.body) if (!KNOWN.has(key)) body[key] = request.body[key];
      body.encoding_format = request.encoding;
    }
    return { body, warnings };
  },
  decodeResponse(body: JsonObject, count: number): EmbeddingBatchResult {
    const data = Array.isArray(body.data) ? body.data : [];
    if (data.length !== count) {
      throw new UpstreamError(`The upstream answered ${data.length} embeddings for ${count} inputs`);
    }
    // `index` says which input each embedding belongs to; they come in order, but the field decides.
    const vectors = new Array<number[]>(count);
    data.forEach((item, position) => {
      const index = isRecord(item) ? (num(item.index) ?? position) : position;
      const vector = isRecord(item) ? readVector(item.embedding) : undefined;
      if (!vector || index < 0 || index >= count || vectors[index]) {
        throw new UpstreamError(`The upstream answered an unreadable embedding at data[${position}]`);
      }
      vectors[index] = vector;
    });
    const result: EmbeddingBatchResult = { vectors };
    const usage = isRecord(body.usage) ? body.usage : undefined;
    const tokens = usage ? (num(usage.prompt_tokens) ?? num(usage.total_tokens)) : undefined;
    if (tokens !== undefined) result.inputTokens = tokens;
    return result;
  },
  passesThrough(answer, request): boolean {
    if (request.wire !== 'openai' || !Array.isArray(answer.data)) return false;
    // A compatible service may ignore `encoding_format: base64` and send floats: those are re-encoded.
    const wanted = request.encoding === 'base64' ? 'string' : 'object';
    return answer.data.every((item) => isRecord(item) && typeof item.embedding === wanted);
  },
};
