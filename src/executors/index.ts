/** @module executors */

// The names the Gemini and OpenAI duration readers had; both are the one duration parser now.
export { parseDuration as parseGoogleDuration, parseDuration as parseOpenAIDuration } from '../core/duration.js';
export { kindFromStatus } from '../core/kind-from-status.js';
export { parseAnthropicError } from '../translate/anthropic-messages/errors.js';
export { parseGeminiError } from '../translate/gemini/errors.js';
export { parseOpenAIError } from '../translate/openai-chat/errors.js';
export * from './anthropic/anthropic-executor.js';
export { readAnthropicQuota } from './anthropic/read-anthropic-quota.js';
export * from './azure/azure-credential.js';
export * from './azure/azure-openai-executor.js';
export * from './azure/azure-settings.js';
export { dropAzureAnnotations } from './azure/drop-azure-annotations.js';
export * from './azure/entra-token.js';
export { parseAzureError } from './azure/parse-azure-error.js';
export { buildUpstreamError, type ErrorContext, mapTransportError } from './base/classify-error.js';
export { createHttpExecutor } from './base/create-http-executor.js';
export { credentialSecret } from './base/credential-secret.js';
export { createTransport, type Transport, type TransportOptions } from './base/transport.js';
export type * from './base/types.js';
export * from './bedrock/bedrock-credential.js';
export * from './bedrock/bedrock-executor.js';
export {
  type BedrockMode,
  type BedrockSettings,
  bedrockDialect,
  isClaudeModel,
  readBedrockSettings,
} from './bedrock/bedrock-settings.js';
export * from './gemini/gemini-executor.js';
export * from './mock.js';
export * from './openai/openai-executor.js';
export { readOpenAIQuota } from './openai/read-openai-quota.js';
export type * from './types.js';
export * from './vertex/service-account.js';
export * from './vertex/service-account-token.js';
export * from './vertex/vertex-credential.js';
export * from './vertex/vertex-executor.js';
export * from './vertex/vertex-settings.js';
