import { UpstreamError } from '../../core/errors.js';
import { arr, invalid, isRecord, type JsonObject, num } from '../json.js';
import type {
  EmbeddingBatchResult,
  EmbeddingCallerShape,
  EmbeddingInput,
  EmbeddingRequest,
  EmbeddingUpstreamShape,
  EncodedEmbeddingCall,
} from './types.js';

/**
 * The most requests one `:batchEmbedContents` call takes. Not in the reference; the service answers
 * more with 400 "BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch".
 * @see https://github.com/langchain-ai/langchainjs/issues/4491
 */
export const GEMINI_MAX_EMBEDDING_BATCH = 100;

/** The most inputs switchyard takes from a Gemini caller in one call (split into batches of 100 upstream). */
const MAX_CALLER_REQUESTS = 2048;

/** One `EmbedContentRequest` (the body of `:embedContent`, an item of `:batchEmbedContents`). */
function readItem(item: unknown, field: string): EmbeddingInput {
  if (!isRecord(item)) return invalid(field, 'must be an object');
  const content = item.content;
  if (!isRecord(content) || !Array.isArray(content.parts))
    return invalid(`${field}content`, 'must be a Content with parts');
  const texts: string[] = [];
  let nonText = false;
  for (const part of content.parts) {
    if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
    else nonText = true;
  }
  // Text parts of one content make one embedding: joined with a newline for upstreams that take one string.
  const input: EmbeddingInput = { text: texts.join('\n'), native: item };
  if (nonText) input.nonText = true;
  const dimensions = item.outputDimensionality;
  if (dimensions !== undefined && dimensions !== null) {
    if (!Number.isInteger(dimensions) || (dimensions as number) < 1) {
      invalid(`${field}outputDimensionality`, 'must be a positive integer');
    }
    input.dimensions = dimensions as number;
  }
  if (typeof item.taskType === 'string') input.taskType = item.taskType;
  if (typeof item.title === 'string') input.title = item.title;
  return input;
}

/**
 * Gemini's `models/{model}:embedContent` (one `EmbedContentRequest`, answered `{ embedding }`) and
 * `:batchEmbedContents` (`{ requests: [...] }`, answered `{ embeddings: [...] }`), told apart by the
 * body: a `requests` array is a batch. The model is the URL's; an item's `model` is not read.
 *
 * @see https://ai.google.dev/api/embeddings
 */
export const geminiEmbeddingCaller: EmbeddingCallerShape = {
  wire: 'gemini',
  decodeRequest(body: JsonObject): EmbeddingRequest {
    if (Array.isArray(body.requests)) {
      const items = body.requests;
      if (items.length === 0) invalid('requests', 'must not be empty');
      if (items.length > MAX_CALLER_REQUESTS) {
        invalid('requests', `holds ${items.length} requests; at most ${MAX_CALLER_REQUESTS} are allowed`);
      }
      const inputs = items.map((item, i) => readItem(item, `requests.${i}.`));
      return { wire: 'gemini', inputs, encoding: 'float', single: false, body };
    }
    return { wire: 'gemini', inputs: [readItem(body, '')], encoding: 'float', single: true, body };
  },
  encodeResponse(vectors, request): JsonObject {
    if (request.single) return { embedding: { values: vectors[0] ?? [] } };
    return { embeddings: vectors.map((values) => ({ values })) };
  },
};

/**
 * Gemini as an upstream: `models/{model}:batchEmbedContents` with at most 100 requests per call, each
 * naming `models/{model}`, with `outputDimensionality`, `taskType` and `title` when given. A Gemini
 * caller's items pass on as sent (model replaced). The Gemini API reports no token usage for embeddings.
 *
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
export const geminiEmbeddingUpstream: EmbeddingUpstreamShape = {
  wire: 'gemini',
  maxBatch: GEMINI_MAX_EMBEDDING_BATCH,
  encodeRequest(inputs, request, model): EncodedEmbeddingCall {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    const warnings: string[] = [];
    const requests = inputs.map((input, i): JsonObject => {
      if (request.wire === 'gemini' && isRecord(input.native)) return { ...input.native, model: name };
      if (input.tokens) {
        return invalid(`input.${i}`, 'is a token array; a Gemini upstream embeds text only, send the text instead');
      }
      const item: JsonObject = { model: name, content: { parts: [{ text: input.text ?? '' }] } };
      if (input.taskType !== undefined) item.taskType = input.taskType;
      if (input.title !== undefined) item.title = input.title;
      if (input.dimensions !== undefined) item.outputDimensionality = input.dimensions;
      return item;
    });
    if (request.user !== undefined) warnings.push('dropped-embedding-user: Gemini has no end-user field');
    return { body: { requests }, warnings };
  },
  decodeResponse(body: JsonObject, count: number): EmbeddingBatchResult {
    const embeddings = arr(body.embeddings);
    if (embeddings.length !== count) {
      throw new UpstreamError(`The upstream answered ${embeddings.length} embeddings for ${count} requests`);
    }
    const vectors = embeddings.map((item, i) => {
      const values = isRecord(item) ? item.values : undefined;
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) {
        throw new UpstreamError(`The upstream answered an unreadable embedding at embeddings[${i}]`);
      }
      return values as number[];
    });
    const result: EmbeddingBatchResult = { vectors };
    // Vertex AI reports usage; the Gemini API does not (then the tokens are estimated).
    const usage = isRecord(body.usageMetadata) ? body.usageMetadata : undefined;
    const tokens = usage ? num(usage.promptTokenCount) : undefined;
    if (tokens !== undefined) result.inputTokens = tokens;
    return result;
  },
  passesThrough: (answer, request) => request.wire === 'gemini' && !request.single && Array.isArray(answer.embeddings),
};
