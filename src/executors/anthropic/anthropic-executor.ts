import type { Credential } from '../../core/credential.js';
import { parseAnthropicError } from '../../translate/anthropic-messages/errors.js';
import type { Dialect } from '../../translate/dialect.js';
import { isRecord } from '../../translate/json.js';
import { createHttpExecutor } from '../base/create-http-executor.js';
import { credentialSecret, usesOAuth } from '../base/credential-secret.js';
import type { HttpExecutor, HttpExecutorOptions, ModelPage, ProviderDeclaration } from '../base/types.js';
import type { ExecutorRequest, ModelInfo } from '../types.js';
import { readAnthropicQuota } from './read-anthropic-quota.js';

/** The API version sent when the caller names none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
/** Beta flag the API requires for Claude OAuth access tokens. */
const OAUTH_BETA = 'oauth-2025-04-20';
/** Fields of a Messages request that the count_tokens endpoint rejects. */
const NOT_COUNTED = [
  'max_tokens',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'metadata',
  'service_tier',
];

/** Options of {@link anthropicDeclaration}. */
export interface AnthropicDeclarationOptions {
  /** Provider id. Default `anthropic`. */
  provider?: string;
  /** Base URL without the version path, as the Anthropic SDK takes it. Default `https://api.anthropic.com`. */
  baseUrl?: string;
  /** `anthropic-version` when the caller sends none. Default `2023-06-01`. */
  version?: string;
}

/**
 * The Anthropic Messages API as a {@link ProviderDeclaration}.
 *
 * @see https://docs.anthropic.com/en/api/messages
 * @example
 * ```ts
 * const executor = createHttpExecutor(anthropicDeclaration({ version: '2023-06-01' }));
 * ```
 */
export function anthropicDeclaration(options: AnthropicDeclarationOptions = {}): ProviderDeclaration {
  const provider = options.provider ?? 'anthropic';
  const defaultVersion = options.version ?? DEFAULT_ANTHROPIC_VERSION;
  return {
    provider,
    baseUrl: options.baseUrl ?? 'https://api.anthropic.com',
    nativeDialect: (): Dialect => 'anthropic-messages',
    authHeaders(credential: Credential): Record<string, string> {
      const secret = credentialSecret(credential);
      if (!secret) return {};
      return usesOAuth(credential) ? { authorization: `Bearer ${secret}` } : { 'x-api-key': secret };
    },
    requestHeaders(request: ExecutorRequest): Record<string, string> {
      const headers: Record<string, string> = {
        'anthropic-version': request.headers['anthropic-version'] ?? defaultVersion,
      };
      const betas = splitBetas(request.headers['anthropic-beta']);
      if (usesOAuth(request.credential) && !betas.includes(OAUTH_BETA)) betas.push(OAUTH_BETA);
      if (betas.length > 0) headers['anthropic-beta'] = betas.join(',');
      return headers;
    },
    // Anthropic has no embeddings API.
    path: ({ operation }) =>
      operation === 'embed' ? undefined : operation === 'count_tokens' ? '/v1/messages/count_tokens' : '/v1/messages',
    body: anthropicBody,
    parseError: parseAnthropicError,
    quota: readAnthropicQuota,
    // The list is paged newest first: ask for the largest page, then follow `last_id` while `has_more`.
    // @see https://docs.anthropic.com/en/api/models-list
    listModels: {
      path: (cursor) => `/v1/models?limit=1000${cursor ? `&after_id=${encodeURIComponent(cursor)}` : ''}`,
      // The API answers 400 without a version, on this endpoint too.
      headers: (credential) => ({
        'anthropic-version': defaultVersion,
        ...(usesOAuth(credential) ? { 'anthropic-beta': OAUTH_BETA } : {}),
      }),
      parse: (json) => parseAnthropicModels(json, provider),
    },
  };
}

function splitBetas(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : [];
}

/**
 * The Messages body actually sent: `stream` set to match the call, and for `count_tokens` without the
 * fields that endpoint refuses. Shared with the Vertex AI executor (Claude on `rawPredict`).
 * @internal
 */
export function anthropicBody(request: ExecutorRequest): Record<string, unknown> {
  const { body, stream, operation } = request;
  if (operation === 'count_tokens') {
    if (!NOT_COUNTED.some((key) => key in body)) return body;
    const copy = { ...body };
    for (const key of NOT_COUNTED) delete copy[key];
    return copy;
  }
  if ((body.stream === true) === stream) return body;
  return { ...body, stream };
}

function parseAnthropicModels(json: unknown, provider: string): ModelPage {
  const root = isRecord(json) ? json : {};
  const data = Array.isArray(root.data) ? root.data : [];
  const models: ModelInfo[] = [];
  for (const item of data) {
    if (!isRecord(item) || typeof item.id !== 'string') continue;
    const model: ModelInfo = { id: item.id, provider };
    if (typeof item.display_name === 'string') model.displayName = item.display_name;
    const created = typeof item.created_at === 'string' ? Date.parse(item.created_at) : Number.NaN;
    // Epoch seconds, like OpenAI's `created`.
    if (!Number.isNaN(created)) model.created = Math.floor(created / 1000);
    models.push(model);
  }
  const page: ModelPage = { models };
  if (root.has_more === true && typeof root.last_id === 'string') page.next = root.last_id;
  return page;
}

/** Options of {@link anthropicExecutor}. */
export interface AnthropicExecutorOptions
  extends HttpExecutorOptions,
    Pick<AnthropicDeclarationOptions, 'provider' | 'version'> {}

/**
 * Executor for Anthropic's Messages API (`POST /v1/messages`, `POST /v1/messages/count_tokens` for
 * operation `count_tokens`). API keys go in `x-api-key`, OAuth tokens as `Authorization: Bearer`;
 * the caller's `anthropic-version` and `anthropic-beta` headers are passed through.
 *
 * @example
 * ```ts
 * const anthropic = anthropicExecutor({ headersTimeoutMs: 120_000 });
 * const manager = new Manager({ executors: [anthropic], credentials: [
 *   { id: 'claude', provider: 'anthropic', apiKey: process.env.ANTHROPIC_API_KEY },
 * ] });
 * ```
 */
export function anthropicExecutor(options: AnthropicExecutorOptions = {}): HttpExecutor {
  const { provider, version, ...http } = options;
  return createHttpExecutor(
    anthropicDeclaration({
      ...(provider ? { provider } : {}),
      ...(version ? { version } : {}),
      ...(http.baseUrl ? { baseUrl: http.baseUrl } : {}),
    }),
    http,
  );
}
