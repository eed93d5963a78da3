import { z } from 'zod';
import type { Credential } from '../../core/credential.js';
import { ConfigError } from '../../core/errors.js';

/**
 * Which URLs an Azure OpenAI credential calls:
 * - `deployments`: the dated data-plane API, Chat Completions at
 *   `/openai/deployments/{deployment}/chat/completions?api-version=…` (and, with `responses: true`, the
 *   Responses API at `/openai/responses?api-version=…` with the deployment in `model`);
 * - `responses`: the dated non-deployment route `/openai/responses?api-version=…` only, every caller
 *   translated to the Responses API (for Responses-only deployments such as codex models);
 * - `v1`: the GA v1 API, `/openai/v1/chat/completions` and `/openai/v1/responses` (deployment in
 *   `model`), no `api-version` unless one is given (e.g. `preview`).
 *
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/reference
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle
 */
export type AzureApiShape = 'deployments' | 'responses' | 'v1';

/** The Azure-specific settings of a credential, kept in `credential.metadata.azure`. */
export interface AzureOpenAISettings {
  /** Which URLs to call. Default `deployments`. */
  apiShape: AzureApiShape;
  /** The `api-version` query parameter. Required by `deployments` and `responses`; optional for `v1`. */
  apiVersion?: string;
  /**
   * Whether Responses callers are sent to the Responses API. Default false for `deployments` (Chat
   * only), true for `v1`; always true for `responses`.
   */
  responses?: boolean;
  /** The Entra ID scope asked for. Default {@link ENTRA_SCOPE}. */
  scope?: string;
}

/** The scope of an Entra ID token for Azure OpenAI (Cognitive Services). */
export const ENTRA_SCOPE = 'https://cognitiveservices.azure.com/.default';

const settingsSchema = z
  .object({
    apiShape: z.enum(['deployments', 'responses', 'v1']).optional(),
    apiVersion: z.string().min(1).optional(),
    responses: z.boolean().optional(),
    scope: z.string().min(1).optional(),
  })
  .loose();

/** Parsed settings, once per credential object (credentials are replaced, never changed in place). */
const cache = new WeakMap<Credential, AzureOpenAISettings>();

/**
 * Reads and checks `credential.metadata.azure`; a missing or malformed entry, an endpoint that is not
 * set, or a dated shape without `apiVersion` is a {@link ConfigError} saying what to set.
 *
 * @example
 * ```ts
 * readAzureSettings({ id: 'az', provider: 'azure-openai', baseUrl: 'https://res.openai.azure.com',
 *   metadata: { azure: { apiShape: 'v1' } } }); // { apiShape: 'v1' }
 * ```
 */
export function readAzureSettings(credential: Credential): AzureOpenAISettings {
  const cached = cache.get(credential);
  if (cached) return cached;
  const fix = (what: string) =>
    new ConfigError(`Azure OpenAI credential ${credential.id} ${what}`, { credentialId: credential.id });
  if (!credential.baseUrl) {
    throw fix(
      'has no endpoint: set baseUrl (`endpoint` in YAML) to the resource URL, e.g. https://my-resource.openai.azure.com',
    );
  }
  const parsed = settingsSchema.safeParse(credential.metadata?.azure ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fix(`has an invalid metadata.azure.${issue.path.join('.')}: ${issue.message}`);
  }
  const { apiShape = 'deployments', apiVersion, responses, scope } = parsed.data;
  if (apiShape !== 'v1' && apiVersion === undefined) {
    throw fix(
      `uses api-shape ${apiShape}, which needs an api-version (e.g. 2024-10-21, or 2025-04-01-preview for Responses)`,
    );
  }
  const settings: AzureOpenAISettings = { apiShape };
  if (apiVersion !== undefined) settings.apiVersion = apiVersion;
  if (responses !== undefined) settings.responses = responses;
  if (scope !== undefined) settings.scope = scope;
  cache.set(credential, settings);
  return settings;
}
