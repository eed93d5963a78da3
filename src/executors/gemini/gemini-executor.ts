import type { Credential } from '../../core/credential.js';
import type { Dialect } from '../../translate/dialect.js';
import { parseGeminiError } from '../../translate/gemini/errors.js';
import { isRecord } from '../../translate/json.js';
import { createHttpExecutor } from '../base/create-http-executor.js';
import { credentialSecret, usesOAuth } from '../base/credential-secret.js';
import type { HttpExecutor, HttpExecutorOptions, ModelPage, ProviderDeclaration } from '../base/types.js';
import type { ExecutorRequest, ModelInfo } from '../types.js';

/** Options of {@link geminiDeclaration}. */
export interface GeminiDeclarationOptions {
  /** Provider id. Default `gemini`. */
  provider?: string;
  /** Base URL without the version path, as @google/genai takes it. Default `https://generativelanguage.googleapis.com`. */
  baseUrl?: string;
  /** API version path segment. Default `v1beta`. */
  apiVersion?: string;
}

/**
 * The Gemini API (generateContent) as a {@link ProviderDeclaration}. The model lives in the path, not
 * the body.
 *
 * @see https://ai.google.dev/api/generate-content
 * @example
 * ```ts
 * const executor = createHttpExecutor(geminiDeclaration({ apiVersion: 'v1beta' }));
 * ```
 */
export function geminiDeclaration(options: GeminiDeclarationOptions = {}): ProviderDeclaration {
  const provider = options.provider ?? 'gemini';
  const version = `/${options.apiVersion ?? 'v1beta'}`;
  return {
    provider,
    baseUrl: options.baseUrl ?? 'https://generativelanguage.googleapis.com',
    nativeDialect: (): Dialect => 'gemini',
    authHeaders(credential: Credential): Record<string, string> {
      const secret = credentialSecret(credential);
      if (!secret) return {};
      return usesOAuth(credential) ? { authorization: `Bearer ${secret}` } : { 'x-goog-api-key': secret };
    },
    embeddingWire: () => 'gemini',
    path({ operation, model, stream }) {
      const name = encodeURIComponent(model.startsWith('models/') ? model.slice(7) : model);
      // Always the batch method: it takes one input as well as 100, and the Manager splits larger batches.
      if (operation === 'embed') return `${version}/models/${name}:batchEmbedContents`;
      if (operation === 'count_tokens') return `${version}/models/${name}:countTokens`;
      return stream
        ? `${version}/models/${name}:streamGenerateContent?alt=sse`
        : `${version}/models/${name}:generateContent`;
    },
    body: geminiBody,
    parseError: parseGeminiError,
    listModels: {
      path: (cursor) => `${version}/models?pageSize=1000${cursor ? `&pageToken=${encodeURIComponent(cursor)}` : ''}`,
      parse: (json) => parseGeminiModels(json, provider),
    },
  };
}

/**
 * The API rejects unknown fields, so a `model` or `stream` left in the body is dropped (copying).
 * Shared with the Vertex AI executor.
 * @internal
 */
export function geminiBody(request: ExecutorRequest): Record<string, unknown> {
  const { body } = request;
  if (!('model' in body) && !('stream' in body)) return body;
  const { model: _model, stream: _stream, ...rest } = body;
  return rest;
}

function parseGeminiModels(json: unknown, provider: string): ModelPage {
  const root = isRecord(json) ? json : {};
  const list = Array.isArray(root.models) ? root.models : [];
  const models: ModelInfo[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    const model: ModelInfo = { id: item.name.replace(/^models\//, ''), provider };
    if (typeof item.displayName === 'string') model.displayName = item.displayName;
    models.push(model);
  }
  const page: ModelPage = { models };
  if (typeof root.nextPageToken === 'string' && root.nextPageToken) page.next = root.nextPageToken;
  return page;
}

/** Options of {@link geminiExecutor}. */
export interface GeminiExecutorOptions
  extends HttpExecutorOptions,
    Pick<GeminiDeclarationOptions, 'provider' | 'apiVersion'> {}

/**
 * Executor for the Gemini API: `:generateContent`, `:streamGenerateContent?alt=sse`, `:countTokens` and
 * `:batchEmbedContents` under `/v1beta/models/{model}`, authenticated with `x-goog-api-key` (or a Bearer token for OAuth
 * credentials).
 *
 * @example
 * ```ts
 * const gemini = geminiExecutor();
 * const manager = new Manager({ executors: [gemini], credentials: [
 *   { id: 'g1', provider: 'gemini', apiKey: process.env.GEMINI_API_KEY },
 * ] });
 * ```
 */
export function geminiExecutor(options: GeminiExecutorOptions = {}): HttpExecutor {
  const { provider, apiVersion, ...http } = options;
  return createHttpExecutor(
    geminiDeclaration({
      ...(provider ? { provider } : {}),
      ...(apiVersion ? { apiVersion } : {}),
      ...(http.baseUrl ? { baseUrl: http.baseUrl } : {}),
    }),
    http,
  );
}
