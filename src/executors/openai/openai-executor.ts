import type { Credential } from '../../core/credential.js';
import type { Dialect } from '../../translate/dialect.js';
import { isRecord } from '../../translate/json.js';
import { parseOpenAIError } from '../../translate/openai-chat/errors.js';
import { createHttpExecutor } from '../base/create-http-executor.js';
import { credentialSecret } from '../base/credential-secret.js';
import type { HttpExecutor, HttpExecutorOptions, ModelPage, ProviderDeclaration } from '../base/types.js';
import type { ExecutorRequest, ModelInfo } from '../types.js';
import { readOpenAIQuota } from './read-openai-quota.js';

/**
 * Which OpenAI wire APIs an upstream really has: first-party OpenAI has both; OpenAI-compatible services
 * (DeepSeek, OpenRouter, Groq, vLLM, Ollama ...) have Chat Completions; Codex has only Responses.
 */
export type OpenAIWire = 'chat' | 'responses' | 'chat+responses';

/** Options of {@link openaiDeclaration}. */
export interface OpenAIDeclarationOptions {
  /** Provider id. Default `openai`. */
  provider?: string;
  /** Base URL including the version path, as the OpenAI SDK takes it. Default `https://api.openai.com/v1`. */
  baseUrl?: string;
  /** Whether the service speaks the Responses API next to Chat. Default true for `openai`, false otherwise. Ignored when `wire` is set. */
  responses?: boolean;
  /** The wire APIs the upstream has. Default from `responses`: `chat+responses` or `chat`. */
  wire?: OpenAIWire;
}

/**
 * The dialect an OpenAI-wire upstream is sent for a caller: the caller's own when the upstream has it
 * (bytes pass through), else the one it has (the Manager translates to and from it). The only place
 * the route of an OpenAI-wire credential is decided.
 */
export function openaiNativeDialect(wire: OpenAIWire, caller: Dialect): Dialect {
  if (wire === 'responses') return 'openai-responses';
  if (wire === 'chat+responses' && caller === 'openai-responses') return 'openai-responses';
  return 'openai-chat';
}

/**
 * The OpenAI wire format as a {@link ProviderDeclaration}: Chat Completions and Responses, embeddings
 * (`POST {base}/embeddings`), Bearer auth, `x-ratelimit-*` headers. Every OpenAI-compatible service is this with another base URL.
 *
 * @see https://platform.openai.com/docs/api-reference/chat
 * @example
 * ```ts
 * const executor = createHttpExecutor(openaiDeclaration({ provider: 'groq', baseUrl: 'https://api.groq.com/openai/v1' }));
 * ```
 */
export function openaiDeclaration(options: OpenAIDeclarationOptions = {}): ProviderDeclaration {
  const provider = options.provider ?? 'openai';
  const wire: OpenAIWire = options.wire ?? ((options.responses ?? provider === 'openai') ? 'chat+responses' : 'chat');
  return {
    provider,
    baseUrl: options.baseUrl ?? 'https://api.openai.com/v1',
    nativeDialect: (caller: Dialect): Dialect => openaiNativeDialect(wire, caller),
    authHeaders(credential: Credential): Record<string, string> {
      // Local servers (Ollama, vLLM) often need no key at all.
      const secret = credentialSecret(credential);
      return secret ? { authorization: `Bearer ${secret}` } : {};
    },
    embeddingWire: () => 'openai',
    path({ operation, dialect }) {
      // Every OpenAI-wire upstream has the embeddings API, whatever its chat wire.
      if (operation === 'embed') return '/embeddings';
      if (dialect === 'openai-responses' && wire !== 'chat')
        return operation === 'count_tokens' ? '/responses/input_tokens' : '/responses';
      if (dialect === 'openai-chat' && wire !== 'responses' && operation === 'generate') return '/chat/completions';
      return undefined;
    },
    body: openaiBody,
    parseError: parseOpenAIError,
    quota: readOpenAIQuota,
    listModels: { path: () => '/models', parse: (json) => parseOpenAIModels(json, provider) },
  };
}

/**
 * The body as sent: `stream` set to match the request, and on chat streams
 * `stream_options.include_usage` so the last chunk carries usage for accounting. Copies, never mutates.
 * Shared by every OpenAI-wire declaration (Azure OpenAI included).
 */
export function openaiBody(request: ExecutorRequest): Record<string, unknown> {
  const { body, stream, operation, dialect } = request;
  if (operation === 'embed') return body;
  if (operation === 'count_tokens') {
    if (body.stream === undefined) return body;
    const { stream: _drop, ...rest } = body;
    return rest;
  }
  if (dialect === 'openai-chat' && stream) {
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    if (body.stream === true && streamOptions.include_usage === true) return body;
    return { ...body, stream: true, stream_options: { ...streamOptions, include_usage: true } };
  }
  if ((body.stream === true) === stream) return body;
  return { ...body, stream };
}

function parseOpenAIModels(json: unknown, provider: string): ModelPage {
  const data = isRecord(json) && Array.isArray(json.data) ? json.data : [];
  const models: ModelInfo[] = [];
  for (const item of data) {
    if (!isRecord(item) || typeof item.id !== 'string') continue;
    const model: ModelInfo = { id: item.id, provider };
    if (typeof item.created === 'number') model.created = item.created;
    models.push(model);
  }
  return { models };
}

/** Options of {@link openaiExecutor}. */
export interface OpenAIExecutorOptions extends HttpExecutorOptions, Pick<OpenAIDeclarationOptions, 'provider'> {}

/**
 * Executor for OpenAI: Chat Completions (`POST /v1/chat/completions`) and Responses
 * (`POST /v1/responses`, used when the caller speaks it). A credential's `baseUrl` and `headers` turn it
 * into OpenRouter, DeepSeek, Groq, vLLM or Ollama.
 *
 * @example
 * ```ts
 * const openai = openaiExecutor({ bodyTimeoutMs: 120_000 });
 * const manager = new Manager({ executors: [openai], credentials: [
 *   { id: 'oa', provider: 'openai', apiKey: process.env.OPENAI_API_KEY },
 *   { id: 'or', provider: 'openai', apiKey: process.env.OPENROUTER_KEY, baseUrl: 'https://openrouter.ai/api/v1' },
 * ] });
 * ```
 */
export function openaiExecutor(options: OpenAIExecutorOptions = {}): HttpExecutor {
  const { provider, ...http } = options;
  return createHttpExecutor(
    openaiDeclaration({ ...(provider ? { provider } : {}), ...(http.baseUrl ? { baseUrl: http.baseUrl } : {}) }),
    http,
  );
}

/** Options of {@link codexExecutor}. */
export interface CodexExecutorOptions extends HttpExecutorOptions {
  /** Provider id credentials refer to. Default `codex` (the provider of `codex-api-key` entries). */
  provider?: string;
}

/**
 * Executor for Codex API keys: an OpenAI-wire upstream that speaks only the Responses API, as
 * `gpt-5-codex` exists only there. Every caller dialect is sent to `POST {base}/responses` (translated
 * by the Manager), token counts to `POST {base}/responses/input_tokens`.
 *
 * @example
 * ```ts
 * const codex = codexExecutor();
 * const manager = new Manager({ executors: [codex], credentials: [
 *   { id: 'cx', provider: 'codex', apiKey: process.env.CODEX_API_KEY },
 * ] });
 * ```
 */
export function codexExecutor(options: CodexExecutorOptions = {}): HttpExecutor {
  const { provider, ...http } = options;
  return createHttpExecutor(
    openaiDeclaration({
      provider: provider ?? 'codex',
      wire: 'responses',
      ...(http.baseUrl ? { baseUrl: http.baseUrl } : {}),
    }),
    http,
  );
}

/** Options of {@link openaiCompatibleExecutor}. */
export interface OpenAICompatibleExecutorOptions extends HttpExecutorOptions {
  /** Provider id credentials refer to, e.g. `deepseek`. */
  provider: string;
  /** The service's base URL including its version path, e.g. `https://api.deepseek.com/v1`. */
  baseUrl: string;
  /** Whether the service also speaks the Responses API. Default false. */
  responses?: boolean;
}

/**
 * A named OpenAI-compatible service in one line.
 *
 * @example
 * ```ts
 * const deepseek = openaiCompatibleExecutor({ provider: 'deepseek', baseUrl: 'https://api.deepseek.com/v1' });
 * ```
 */
export function openaiCompatibleExecutor(options: OpenAICompatibleExecutorOptions): HttpExecutor {
  const { provider, responses, ...http } = options;
  return createHttpExecutor(
    openaiDeclaration({ provider, baseUrl: http.baseUrl, responses: responses ?? false }),
    http,
  );
}
