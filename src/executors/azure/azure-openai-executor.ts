import type { Credential } from '../../core/credential.js';
import type { Dialect } from '../../translate/dialect.js';
import { createHttpExecutor } from '../base/create-http-executor.js';
import type { HttpExecutor, HttpExecutorOptions, PathInput, ProviderDeclaration } from '../base/types.js';
import { type OpenAIWire, openaiBody, openaiNativeDialect } from '../openai/openai-executor.js';
import { readOpenAIQuota } from '../openai/read-openai-quota.js';
import { AZURE_OPENAI_PROVIDER, type azureOpenAICredential } from './azure-credential.js';
import { type AzureApiShape, type AzureOpenAISettings, readAzureSettings } from './azure-settings.js';
import { dropAzureAnnotations } from './drop-azure-annotations.js';
import { canGetEntraToken, fetchEntraToken } from './entra-token.js';
import { parseAzureError } from './parse-azure-error.js';

/** The wire APIs a credential's shape gives it. */
function wireOf(settings: AzureOpenAISettings): OpenAIWire {
  switch (settings.apiShape) {
    case 'responses':
      return 'responses';
    case 'v1':
      return settings.responses === false ? 'chat' : 'chat+responses';
    default:
      return settings.responses === true ? 'chat+responses' : 'chat';
  }
}

/**
 * The upstream path of one call. Deployment names go into the path percent-encoded; the non-deployment
 * and v1 routes take the deployment as the body's `model` (set by the Manager from the alias).
 */
function azurePath({ credential, dialect, operation, model }: PathInput): string | undefined {
  if (operation === 'count_tokens') return undefined;
  const settings = readAzureSettings(credential);
  const wire = wireOf(settings);
  const version = settings.apiVersion === undefined ? '' : `?api-version=${encodeURIComponent(settings.apiVersion)}`;
  const root = settings.apiShape === 'v1' ? '/openai/v1' : '/openai';
  if (operation === 'embed') {
    // Embeddings live on the deployment route of the dated API (both dated shapes) and on v1's `/embeddings`.
    if (settings.apiShape === 'v1') return `${root}/embeddings${version}`;
    return `${root}/deployments/${encodeURIComponent(model)}/embeddings${version}`;
  }
  if (dialect === 'openai-responses' && wire !== 'chat') return `${root}/responses${version}`;
  if (dialect !== 'openai-chat' || wire === 'responses') return undefined;
  if (settings.apiShape === 'v1') return `${root}/chat/completions${version}`;
  return `${root}/deployments/${encodeURIComponent(model)}/chat/completions${version}`;
}

/**
 * Azure OpenAI as a {@link ProviderDeclaration}: the OpenAI wire format (Chat Completions, Responses
 * where the credential's shape has it, and embeddings) on a resource endpoint, in one of three URL shapes
 * (see {@link AzureApiShape}), authenticated by the `api-key` header or by a Microsoft Entra ID bearer
 * token from the client-credentials grant. Chat streams lose Azure's filter-only events
 * ({@link dropAzureAnnotations}). Errors read with {@link parseAzureError}; the
 * `x-ratelimit-remaining-*` headers are read when Azure sends them.
 *
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/reference
 * @example
 * ```ts
 * const executor = createHttpExecutor(azureOpenAIDeclaration(), { headersTimeoutMs: 60_000 });
 * ```
 */
export function azureOpenAIDeclaration(provider = AZURE_OPENAI_PROVIDER): ProviderDeclaration {
  return {
    provider,
    // No public default: every resource has its own endpoint, which the credential must give.
    baseUrl: '',
    nativeDialect: (caller: Dialect, credential: Credential) =>
      openaiNativeDialect(wireOf(readAzureSettings(credential)), caller),
    authHeaders(credential: Credential): Record<string, string> {
      if (credential.kind === 'oauth') {
        // The client secret in `apiKey` is for the token endpoint only, never for the resource.
        const token = credential.oauth?.accessToken;
        return token ? { authorization: `Bearer ${token}` } : {};
      }
      return credential.apiKey ? { 'api-key': credential.apiKey } : {};
    },
    embeddingWire: () => 'openai',
    path: azurePath,
    body: openaiBody,
    // Chat callers get the stream OpenAI would send: without Azure's filter-only events.
    streamBody: (bytes, request) => (request.dialect === 'openai-chat' ? dropAzureAnnotations(bytes) : bytes),
    parseError: parseAzureError,
    quota: readOpenAIQuota,
    canRefresh: canGetEntraToken,
    refresh: fetchEntraToken,
  };
}

/** Options of {@link azureOpenAIExecutor}. */
export interface AzureOpenAIExecutorOptions extends Omit<HttpExecutorOptions, 'baseUrl'> {
  /** Provider id credentials refer to. Default `azure-openai`. */
  provider?: string;
}

/**
 * Executor for Azure OpenAI resources. Everything about a resource is on its credential (build one with
 * {@link azureOpenAICredential}): the endpoint in `baseUrl`, the URL shape and `api-version` in
 * `metadata.azure`, the deployments as `models` (`name` the deployment, `alias` what clients ask for),
 * and an API key or an Entra ID app. Entra tokens are fetched before the first request and again ahead
 * of expiry through the Manager's single-flight refresh: one token call however many requests wait,
 * and across instances through the state store's lock.
 *
 * @example
 * ```ts
 * const manager = new Manager({ executors: [azureOpenAIExecutor()], credentials: [
 *   azureOpenAICredential({ id: 'az', endpoint: 'https://contoso.openai.azure.com', apiVersion: '2024-10-21',
 *     models: [{ name: 'prod-gpt4o', alias: 'gpt-4o' }], auth: { apiKey: process.env.AZURE_OPENAI_API_KEY! } }),
 * ] });
 * ```
 */
export function azureOpenAIExecutor(options: AzureOpenAIExecutorOptions = {}): HttpExecutor {
  const { provider, ...http } = options;
  return createHttpExecutor(azureOpenAIDeclaration(provider), http);
}
