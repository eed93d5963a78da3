import type { JsonObject } from '../json.js';

/**
 * The request and response shape of an embedding API:
 * - `openai`: `POST /v1/embeddings` (OpenAI and every OpenAI-compatible service, Azure OpenAI deployments).
 * - `gemini`: `models/{model}:embedContent` / `:batchEmbedContents`.
 * - `bedrock-titan`: Amazon Titan text embeddings through Bedrock InvokeModel (upstream only).
 * - `bedrock-cohere`: Cohere Embed v3 through Bedrock InvokeModel (upstream only).
 *
 * Adding an upstream shape is one file implementing {@link EmbeddingUpstreamShape} plus its name here
 * and in the registry.
 */
export type EmbeddingWire = 'openai' | 'gemini' | 'bedrock-titan' | 'bedrock-cohere';

/** One thing to embed, in the canonical form every embedding shape converts to and from. */
export interface EmbeddingInput {
  /** The text to embed (absent for token input). */
  text?: string;
  /** Token ids, as OpenAI takes them (`input: [[1, 2, 3]]`). */
  tokens?: number[];
  /** Parts that are not text (Gemini's `inlineData` and the like): only a Gemini upstream can embed them. */
  nonText?: boolean;
  /** Length of the vector wanted (OpenAI `dimensions`, Gemini `outputDimensionality`). */
  dimensions?: number;
  /** Gemini's `taskType` (`RETRIEVAL_QUERY`, `SEMANTIC_SIMILARITY`, ...). */
  taskType?: string;
  /** Gemini's `title` (for `RETRIEVAL_DOCUMENT`). */
  title?: string;
  /** The item as the caller sent it, so an upstream of the caller's own shape gets it without loss. */
  native?: unknown;
}

/** A caller's embedding request in canonical form. */
export interface EmbeddingRequest {
  /** The caller's shape. */
  wire: EmbeddingWire;
  /** The inputs, in the caller's order. */
  inputs: EmbeddingInput[];
  /** How the caller wants the vectors: JSON numbers, or base64 of little-endian float32 (OpenAI). */
  encoding: 'float' | 'base64';
  /** OpenAI's `user`: kept for OpenAI upstreams, dropped elsewhere. */
  user?: string;
  /** True when the caller sent one input in a one-input form and wants one vector back (Gemini `:embedContent`). */
  single: boolean;
  /** The caller's body as sent. */
  body: JsonObject;
}

/** What one upstream call answered, in canonical form. */
export interface EmbeddingBatchResult {
  /** One vector per input of the batch, in the batch's order. */
  vectors: number[][];
  /** Input tokens the upstream reported; undefined when it reports none (Gemini). */
  inputTokens?: number;
}

/** The body of one upstream call and what the translation had to leave out. */
export interface EncodedEmbeddingCall {
  body: JsonObject;
  warnings: string[];
}

/** An upstream's embedding API: how a batch is sent and how its answer reads. */
export interface EmbeddingUpstreamShape {
  readonly wire: EmbeddingWire;
  /** The most inputs one call may carry (Gemini 100, OpenAI 2048). */
  readonly maxBatch: number;
  /**
   * Inputs with different keys cannot share a call (OpenAI: one `dimensions` per request, and text and
   * tokens not mixed). Default: every input may share a call with every other.
   */
  batchKey?(input: EmbeddingInput): string;
  /**
   * The body of one call carrying `inputs` (a slice of `request.inputs`) for the upstream model `model`.
   *
   * @throws {InvalidRequestError} when an input cannot be represented (tokens for Gemini, images for OpenAI).
   */
  encodeRequest(inputs: EmbeddingInput[], request: EmbeddingRequest, model: string): EncodedEmbeddingCall;
  /**
   * Reads one answer holding `count` vectors. `headers` are the answer's (lower-case names), for
   * upstreams that report usage there (Bedrock's `x-amzn-bedrock-input-token-count`).
   *
   * @throws {UpstreamError} when the answer does not hold `count` vectors.
   */
  decodeResponse(body: JsonObject, count: number, headers?: Readonly<Record<string, string>>): EmbeddingBatchResult;
  /**
   * True when this one answer is already what a caller of the same shape wants, byte for byte (then it
   * passes through unparsed again). Default false.
   */
  passesThrough?(answer: JsonObject, request: EmbeddingRequest): boolean;
}

/** A caller-facing embedding API: how a request reads and how the answer is written. */
export interface EmbeddingCallerShape {
  readonly wire: EmbeddingWire;
  /**
   * The caller's body in canonical form.
   *
   * @throws {InvalidRequestError} naming the field at fault.
   */
  decodeRequest(body: JsonObject): EmbeddingRequest;
  /** The answer in the caller's shape. */
  encodeResponse(
    vectors: number[][],
    request: EmbeddingRequest,
    info: { model: string; inputTokens: number },
  ): JsonObject;
}
