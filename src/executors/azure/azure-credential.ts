import { compact } from '../../core/compact.js';
import type { Credential, ModelEntry } from '../../core/credential.js';
import type { AzureApiShape, AzureOpenAISettings } from './azure-settings.js';

/** Provider id of Azure OpenAI credentials. */
export const AZURE_OPENAI_PROVIDER = 'azure-openai';

/** A Microsoft Entra ID app registration that gets tokens with the client-credentials grant. */
export interface EntraClientCredentials {
  /** Directory (tenant) id or domain. */
  tenantId: string;
  /** Application (client) id. */
  clientId: string;
  /** The client secret. */
  clientSecret: string;
  /** Token endpoint. Default `https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token` (see {@link entraTokenUrl}). */
  tokenUrl?: string;
  /** Scope asked for. Default `https://cognitiveservices.azure.com/.default`. */
  scope?: string;
}

/** Options of {@link azureOpenAICredential}. */
export interface AzureOpenAICredentialOptions
  extends Pick<
    Credential,
    'label' | 'proxyUrl' | 'headers' | 'excludedModels' | 'group' | 'prefix' | 'priority' | 'weight' | 'disabled'
  > {
  id: string;
  /** The resource URL, e.g. `https://my-resource.openai.azure.com` (no `/openai` path). */
  endpoint: string;
  /** Which URLs to call. Default `deployments`. */
  apiShape?: AzureApiShape;
  /** The `api-version` query parameter; required unless `apiShape` is `v1`. */
  apiVersion?: string;
  /** Send Responses callers to the Responses API (default false for `deployments`, true for `v1`). */
  responses?: boolean;
  /**
   * The deployments it serves: `name` is the deployment name (what goes upstream), `alias` the model
   * name clients ask for. Absent: clients name deployments directly.
   */
  models?: ModelEntry[];
  /** An `api-key` header, or Entra ID bearer tokens from a client-credentials grant. */
  auth: { apiKey: string } | { entra: EntraClientCredentials };
}

/**
 * The Entra ID v2.0 token endpoint of a tenant.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * @example
 * ```ts
 * entraTokenUrl('contoso.onmicrosoft.com'); // 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token'
 * ```
 */
export function entraTokenUrl(tenantId: string): string {
  return `https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/**
 * Builds the {@link Credential} of an Azure OpenAI resource. An API key goes in `apiKey` (sent as the
 * `api-key` header). An Entra ID app makes an OAuth credential: the client secret is kept in `apiKey`
 * (a secret like any other: masked, encrypted at rest, scrubbed from messages, never sent to the
 * resource), the client id and token endpoint in `oauth`, and the access token starts empty and
 * expired, so the first request fetches one through the Manager's single-flight refresh.
 *
 * @example
 * ```ts
 * const credential = azureOpenAICredential({
 *   id: 'azure-eu', endpoint: 'https://contoso-eu.openai.azure.com', apiVersion: '2024-10-21',
 *   models: [{ name: 'prod-gpt4o', alias: 'gpt-4o' }],
 *   auth: { entra: { tenantId: 'contoso.onmicrosoft.com', clientId: 'app-id', clientSecret: process.env.AZURE_CLIENT_SECRET! } },
 * });
 * ```
 */
export function azureOpenAICredential(options: AzureOpenAICredentialOptions): Credential {
  const { id, endpoint, apiShape, apiVersion, responses, models, auth, ...rest } = options;
  const azure: Partial<AzureOpenAISettings> = { apiShape: apiShape ?? 'deployments' };
  if (apiVersion !== undefined) azure.apiVersion = apiVersion;
  if (responses !== undefined) azure.responses = responses;
  const credential: Credential = compact({
    ...rest,
    id,
    provider: AZURE_OPENAI_PROVIDER,
    baseUrl: normaliseEndpoint(endpoint),
  });
  if (models) credential.models = models;
  if ('apiKey' in auth) {
    credential.apiKey = auth.apiKey;
  } else {
    const { tenantId, clientId, clientSecret, tokenUrl, scope } = auth.entra;
    if (scope !== undefined) azure.scope = scope;
    credential.kind = 'oauth';
    credential.apiKey = clientSecret;
    credential.oauth = { accessToken: '', expiresAt: 0, tokenUrl: tokenUrl ?? entraTokenUrl(tenantId), clientId };
  }
  credential.metadata = { azure };
  return credential;
}

/** `https://x.openai.azure.com/openai/v1/` → `https://x.openai.azure.com`: the paths are added per shape. */
function normaliseEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '');
}
