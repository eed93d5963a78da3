/** @module executors */
export * from './anthropic/anthropic-executor.js';
export { parseAnthropicError } from './anthropic/parse-anthropic-error.js';
export { readAnthropicQuota } from './anthropic/read-anthropic-quota.js';
export * from './gemini/gemini-executor.js';
export { parseGeminiError, parseGoogleDuration } from './gemini/parse-gemini-error.js';
export { buildUpstreamError, type ErrorContext, kindFromStatus, mapTransportError } from './http/classify-error.js';
export { createHttpExecutor } from './http/create-http-executor.js';
export { credentialSecret } from './http/credential-secret.js';
export { createTransport, type Transport, type TransportOptions } from './http/transport.js';
export type * from './http/types.js';
export * from './mock.js';
export * from './openai/openai-executor.js';
export { parseOpenAIDuration } from './openai/parse-openai-duration.js';
export { parseOpenAIError } from './openai/parse-openai-error.js';
export { readOpenAIQuota } from './openai/read-openai-quota.js';
export type * from './types.js';
