import type { Credential } from '../../core/credential.js';
import { NotFoundError } from '../../core/errors.js';
import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
import { parseAnthropicError } from '../../translate/anthropic-messages/errors.js';
import type { Dialect } from '../../translate/dialect.js';
import { parseGeminiError } from '../../translate/gemini/errors.js';
import { isRecord } from '../../translate/json.js';
import { anthropicBody } from '../anthropic/anthropic-executor.js';
import { createHttpExecutor } from '../base/create-http-executor.js';
import type { HttpExecutor, HttpExecutorOptions, PathInput, ProviderDeclaration } from '../base/types.js';
import { geminiBody } from '../gemini/gemini-executor.js';
import type { ExecutorRequest } from '../types.js';
import { canGetServiceAccountToken, fetchServiceAccountToken } from './service-account-token.js';
import type { vertexCredential } from './vertex-credential.js';
import { publisherOf, readVertexSettings, VERTEX_PROVIDER, vertexBaseUrl } from './vertex-settings.js';

/** The `anthropic_version` Claude on Vertex AI takes in the body (instead of the `anthropic-version` header). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/** `claude-sonnet-4-5@20250929` stays readable in the path; everything else is percent-encoded. */
function modelSegment(model: string): string {
  return encodeURIComponent(model).replace(/%40/g, '@');
}

/**
 * The upstream path of one call, under `/v1/projects/{project}/locations/{location}/publishers/…`:
 * Gemini models at `models/{model}:generateContent`, `:streamGenerateContent?alt=sse`, `:countTokens`;
 * Claude models at `models/{model}:rawPredict`, `:streamRawPredict`, and token counts at
 * `models/count-tokens:rawPredict` (the model in the body). An API key without a project calls express
 * mode, `/v1/publishers/google/models/…`, which serves Gemini models only (a Claude model there is a
 * not-found for this credential, so the Manager tries another).
 */
function vertexPath({ credential, dialect, operation, model, stream }: PathInput): string | undefined {
  // Vertex embeddings (`:predict` with `instances`) are another format; this declaration has none.
  if (operation === 'embed') return undefined;
  const settings = readVertexSettings(credential);
  const root = settings.project
    ? `/v1/projects/${encodeURIComponent(settings.project)}/locations/${encodeURIComponent(settings.location)}`
    : '/v1';
  if (dialect === 'anthropic-messages') {
    if (!settings.project) {
      // This credential cannot serve the model; another may: a model-scoped not-found, retried elsewhere.
      throw new NotFoundError(
        `Vertex AI credential ${credential.id} is an API key in express mode (no project), which serves Google's models only, not ${model}; set its project to reach Claude models`,
        { credentialId: credential.id, status: 404 },
      );
    }
    if (operation === 'count_tokens') return `${root}/publishers/anthropic/models/count-tokens:rawPredict`;
    return `${root}/publishers/anthropic/models/${modelSegment(model)}:${stream ? 'streamRawPredict' : 'rawPredict'}`;
  }
  const base = `${root}/publishers/google/models/${modelSegment(model.replace(/^models\//, ''))}`;
  if (operation === 'count_tokens') return `${base}:countTokens`;
  return stream ? `${base}:streamGenerateContent?alt=sse` : `${base}:generateContent`;
}

/**
 * Claude's Messages body as Vertex AI takes it: no `model` (it is in the path), `anthropic_version:
 * vertex-2023-10-16`, everything else as the Anthropic API has it. Token counts keep `model`.
 */
function vertexBody(request: ExecutorRequest): Record<string, unknown> {
  if (request.dialect !== 'anthropic-messages') return geminiBody(request);
  const body: Record<string, unknown> = { ...anthropicBody(request), anthropic_version: VERTEX_ANTHROPIC_VERSION };
  if (request.operation !== 'count_tokens') delete body.model;
  return body;
}

/**
 * How Vertex AI's errors read: Google's `{ error: { code, message, status, details } }` (also as a
 * one-element array on streams) for Gemini models and for what Vertex itself refuses (quota, a model
 * the project cannot use, auth), and Anthropic's `{ type: 'error', error: { type, message } }` from
 * Claude on `rawPredict`.
 *
 * @example
 * ```ts
 * parseVertexError({ status: 429, headers: {}, text: '', now: 0,
 *   json: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } } });
 * // { kind: 'rate_limited', message: 'Quota exceeded' }
 * ```
 */
export function parseVertexError(failure: UpstreamFailure): ErrorClassification {
  const json = failure.json;
  if (isRecord(json) && json.type === 'error' && isRecord(json.error)) return parseAnthropicError(failure);
  return parseGeminiError(failure);
}

/**
 * Google Vertex AI as a {@link ProviderDeclaration}: Gemini models in the Gemini dialect, Claude models
 * (the publisher from the model name or the credential's `metadata.vertex.publishers`) in the Anthropic
 * Messages dialect on `rawPredict`. Authenticated by a service account's access token (fetched by the
 * JWT-bearer grant through the Manager's single-flight refresh) or by an API key (`x-goog-api-key`).
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest
 * @example
 * ```ts
 * const executor = createHttpExecutor(vertexDeclaration(), { headersTimeoutMs: 120_000 });
 * ```
 */
export function vertexDeclaration(provider = VERTEX_PROVIDER): ProviderDeclaration {
  return {
    provider,
    // Credentials built with vertexCredential carry their location's host; this is the global one.
    baseUrl: vertexBaseUrl('global'),
    nativeDialect(_caller: Dialect, credential: Credential, model?: string): Dialect {
      if (model === undefined) return 'gemini';
      return publisherOf(readVertexSettings(credential), model) === 'anthropic' ? 'anthropic-messages' : 'gemini';
    },
    authHeaders(credential: Credential): Record<string, string> {
      if (credential.kind === 'oauth') {
        // The private key in `apiKey` signs token requests only; the API sees the access token.
        const token = credential.oauth?.accessToken;
        return token ? { authorization: `Bearer ${token}` } : {};
      }
      return credential.apiKey ? { 'x-goog-api-key': credential.apiKey } : {};
    },
    requestHeaders(request: ExecutorRequest): Record<string, string> {
      const beta = request.headers['anthropic-beta'];
      return request.dialect === 'anthropic-messages' && beta ? { 'anthropic-beta': beta } : {};
    },
    path: vertexPath,
    body: vertexBody,
    parseError: parseVertexError,
    canRefresh: canGetServiceAccountToken,
    refresh: fetchServiceAccountToken,
  };
}

/** Options of {@link vertexExecutor}. */
export interface VertexExecutorOptions extends HttpExecutorOptions {
  /** Provider id credentials refer to. Default `vertex`. */
  provider?: string;
}

/**
 * Executor for Google Vertex AI. Everything about a project is on its credential (build one with
 * {@link vertexCredential}): the location's host in `baseUrl`, project and location in
 * `metadata.vertex`, the models (`name` upstream, `alias` for clients, the publisher where the name
 * does not say it), and a service account or an API key. Service-account tokens are fetched before
 * the first request and again ahead of expiry through the Manager's single-flight refresh: one token
 * call however many requests wait, and across instances through the state store's lock.
 *
 * @example
 * ```ts
 * const manager = new Manager({ executors: [vertexExecutor()], credentials: [
 *   vertexCredential({ id: 'vertex', location: 'us-east5', auth: { serviceAccount: readFileSync('sa.json', 'utf8') },
 *     models: [{ name: 'gemini-2.5-pro' }, { name: 'claude-sonnet-4-5@20250929', alias: 'sonnet' }] }),
 * ] });
 * ```
 */
export function vertexExecutor(options: VertexExecutorOptions = {}): HttpExecutor {
  const { provider, ...http } = options;
  return createHttpExecutor(vertexDeclaration(provider), http);
}
