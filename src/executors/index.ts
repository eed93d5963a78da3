/** @module executors */
export * from './anthropic/anthropic-executor.js';
export { parseAnthropicError } from './anthropic/parse-anthropic-error.js';
export { readAnthropicQuota } from './anthropic/read-anthropic-quota.js';
export { buildUpstreamError, type ErrorContext, kindFromStatus, mapTransportError } from './base/classify-error.js';
export { createHttpExecutor } from './base/create-http-executor.js';
export { credentialSecret } from './base/credential-secret.js';
export { createTransport, type Transport, type TransportOptions } from './base/transport.js';
export type * from './base/types.js';
export * from './gemini/gemini-executor.js';
export { parseGeminiError, parseGoogleDuration } from './gemini/parse-gemini-error.js';
export * from './mock.js';
export * from './openai/openai-executor.js';
export { parseOpenAIDuration } from './openai/parse-openai-duration.js';
export { parseOpenAIError } from './openai/parse-openai-error.js';
export { readOpenAIQuota } from './openai/read-openai-quota.js';
export type * from './types.js';
