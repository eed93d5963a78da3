/**
 * Translation between the wire formats of OpenAI Chat Completions, OpenAI Responses, Anthropic Messages
 * and Google Gemini: requests, responses, SSE streams and errors, and the OpenAI and Gemini embedding
 * APIs (batches planned per upstream, vectors as floats or base64). Pure code with no I/O, usable without
 * a Manager.
 * @module switchyard/translate
 */

export type * from './canonical.js';
export type {
  DialectCodec,
  ResponseContext,
  SseEvent,
  StreamDecoder,
  StreamEncoder,
  StreamEncoderOptions,
} from './codec.js';
export type { TranslationContext } from './context.js';
export { DIALECTS, type Dialect, isDialect, type Usage } from './dialect.js';
export * from './embeddings/index.js';
export type { JsonObject } from './json.js';
export { budgetToEffort, EFFORT_BUDGETS, effortToBudget } from './reasoning.js';
export { codecFor } from './registry.js';
export {
  createStreamConverter,
  createStreamTranslator,
  DEFAULT_MAX_EVENT_BYTES,
  EventTooLargeError,
  type StreamConverter,
  type StreamConverterOptions,
} from './stream-converter.js';
export {
  readUsage,
  renderError,
  requestToolNames,
  type TranslateErrorInput,
  type TranslateRequestInput,
  type TranslateResponseInput,
  translateError,
  translateRequest,
  translateResponse,
} from './translate.js';
