export {
  BEDROCK_INPUT_TOKENS_HEADER,
  bedrockCohereEmbeddingUpstream,
  bedrockEmbeddingWire,
  bedrockTitanEmbeddingUpstream,
  COHERE_MAX_EMBEDDING_TEXTS,
} from './bedrock.js';
export { base64ToFloat32, float32ToBase64 } from './float32-base64.js';
export { GEMINI_MAX_EMBEDDING_BATCH, geminiEmbeddingCaller, geminiEmbeddingUpstream } from './gemini.js';
export { OPENAI_MAX_EMBEDDING_INPUTS, openaiEmbeddingCaller, openaiEmbeddingUpstream } from './openai.js';
export {
  answerEmbeddings,
  decodeEmbeddingRequest,
  type EmbeddingAnswer,
  type EmbeddingPlan,
  estimateEmbeddingTokens,
  planEmbeddings,
} from './plan.js';
export { embeddingCallerShape, embeddingUpstreamShape } from './registry.js';
export type * from './types.js';
