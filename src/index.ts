/**
 * switchyard: many LLM provider credentials behind one endpoint.
 * @module switchyard
 */

export type { Awaitable } from './core/awaitable.js';
export type { Credential, ModelEntry, OAuthTokens } from './core/credential.js';
export { redactCredential } from './core/credential.js';
export { credentialSchema, parseCredential } from './core/credential-schema.js';
export * from './core/errors.js';
export type { Logger } from './core/logger.js';
export type { QuotaSnapshot } from './core/quota.js';
export { parseRetryAfter } from './core/retry-after.js';
export {
  type AnthropicExecutorOptions,
  type AzureApiShape,
  type AzureOpenAICredentialOptions,
  type AzureOpenAIExecutorOptions,
  anthropicExecutor,
  azureOpenAICredential,
  azureOpenAIExecutor,
  type BedrockAwsKeys,
  type BedrockCredentialOptions,
  type BedrockExecutorOptions,
  type BedrockMode,
  type BedrockModelEntry,
  bedrockCredential,
  bedrockExecutor,
  createHttpExecutor,
  type EntraClientCredentials,
  type ErrorClassification,
  entraTokenUrl,
  type GeminiExecutorOptions,
  geminiExecutor,
  type HttpExecutor,
  type HttpExecutorOptions,
  type ModelPage,
  type OpenAICompatibleExecutorOptions,
  type OpenAIExecutorOptions,
  openaiCompatibleExecutor,
  openaiExecutor,
  type PathInput,
  type ProviderDeclaration,
  type ServiceAccountKey,
  type SignInput,
  type TokenRefreshContext,
  type UpstreamFailure,
  type VertexCredentialOptions,
  type VertexExecutorOptions,
  type VertexModelEntry,
  type VertexPublisher,
  vertexBaseUrl,
  vertexCredential,
  vertexExecutor,
} from './executors/index.js';
export type { MockBehaviour, MockCall, MockExecutor, MockExecutorOptions } from './executors/mock.js';
export { mockExecutor } from './executors/mock.js';
export type { Executor, ExecutorRequest, ExecutorResponse, ModelInfo, Operation } from './executors/types.js';
export type { FailureOutcome } from './manager/cooldown-keeper.js';
export type { Cost, CostTokens, ModelPrice, PriceTable } from './manager/cost/price-table.js';
export { costOf, DEFAULT_PRICES, findPrice, mergePrices } from './manager/cost/price-table.js';
export type {
  CooldownPolicy,
  FailureContext,
  FailureDecision,
  QuotaExceededBehaviour,
} from './manager/failure-policy.js';
export { DEFAULT_COOLDOWN_POLICY, decideFailure } from './manager/failure-policy.js';
export {
  KeyPool,
  type KeyPoolOptions,
  type NoKeyAvailable,
  type PoolKey,
  type PoolKeyInput,
} from './manager/key-pool.js';
export type { ListedModel, ListModelsOptions } from './manager/list-models.js';
export type { CloseOptions, ManagerOptions, RetryOptions, TimeoutOptions } from './manager/manager.js';
export { DEFAULT_TIMEOUTS, Manager } from './manager/manager.js';
export type { ModelRequest, ModelRouterOptions, Route } from './manager/model-router.js';
export { ModelRouter } from './manager/model-router.js';
export type { ResponseMemoryOptions } from './manager/response-memory.js';
export { backoffMs } from './manager/retry-loop.js';
export * from './manager/selectors/index.js';
export type { PickContext, Selector, SelectorNeeds } from './manager/selectors/types.js';
export { MemoryStateStore } from './manager/state/memory/memory-state-store.js';
export type { Cooldown, CooldownReason, SelectionQuery, SelectionState, StateStore } from './manager/state/types.js';
export { ALL_MODELS } from './manager/state/types.js';
export { CombinedTokenStore, type CombinedTokenStoreOptions } from './manager/stores/combined/combined-token-store.js';
export { FileTokenStore, type FileTokenStoreOptions } from './manager/stores/file/file-token-store.js';
export { MemoryTokenStore } from './manager/stores/memory/memory-token-store.js';
export type { SaveOptions, TokenStore, TokenStoreEvent } from './manager/stores/types.js';
export type {
  AttemptInfo,
  AttemptResult,
  ContentRecord,
  CooldownStatus,
  CredentialStatus,
  ExecuteInput,
  ExecuteResult,
  ManagerHooks,
  ManagerStatus,
  UsageRecord,
} from './manager/types.js';
export * from './oauth/index.js';
export * from './observe/usage/index.js';
export type { Dialect, Usage } from './translate/dialect.js';
export type { EmbeddingWire } from './translate/embeddings/types.js';
