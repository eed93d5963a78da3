import type { Dialect } from '../dialect.js';
import { bedrockCohereEmbeddingUpstream, bedrockTitanEmbeddingUpstream } from './bedrock.js';
import { geminiEmbeddingCaller, geminiEmbeddingUpstream } from './gemini.js';
import { openaiEmbeddingCaller, openaiEmbeddingUpstream } from './openai.js';
import type { EmbeddingCallerShape, EmbeddingUpstreamShape, EmbeddingWire } from './types.js';

/** Every upstream shape. An upstream-only shape (Bedrock Titan, Cohere) is added here and nowhere else. */
const UPSTREAMS: Readonly<Record<EmbeddingWire, EmbeddingUpstreamShape>> = {
  openai: openaiEmbeddingUpstream,
  gemini: geminiEmbeddingUpstream,
  'bedrock-titan': bedrockTitanEmbeddingUpstream,
  'bedrock-cohere': bedrockCohereEmbeddingUpstream,
};

/** The shapes callers speak to switchyard. */
const CALLERS: Readonly<Partial<Record<EmbeddingWire, EmbeddingCallerShape>>> = {
  openai: openaiEmbeddingCaller,
  gemini: geminiEmbeddingCaller,
};

/** The upstream side of an embedding shape. */
export function embeddingUpstreamShape(wire: EmbeddingWire): EmbeddingUpstreamShape {
  const shape = UPSTREAMS[wire];
  if (!shape) throw new TypeError(`Unknown embedding wire '${String(wire)}'`);
  return shape;
}

/**
 * The embedding API a caller of `dialect` (or of a shape named directly) speaks: OpenAI callers
 * (`openai-chat`, the dialect of `/v1/embeddings`) the OpenAI shape, Gemini callers Gemini's;
 * undefined for the others.
 */
export function embeddingCallerShape(dialect: Dialect | EmbeddingWire): EmbeddingCallerShape | undefined {
  if (dialect === 'openai-chat' || dialect === 'openai-responses') return CALLERS.openai;
  return (CALLERS as Partial<Record<string, EmbeddingCallerShape>>)[dialect];
}
