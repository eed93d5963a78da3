import type { Dispatcher } from 'undici';
import type { Credential } from '../../core/credential.js';
import type { QuotaSnapshot } from '../../core/quota.js';
import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
import type { Dialect } from '../../translate/dialect.js';
import type { EmbeddingWire } from '../../translate/embeddings/types.js';
import type { Executor, ExecutorRequest, ModelInfo, Operation } from '../types.js';
import type { TokenRefreshContext } from './oauth-refresh.js';

export type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
export type { TokenRefreshContext } from './oauth-refresh.js';

/** What a provider declaration needs to pick the upstream path. */
export interface PathInput {
  /** The credential the call goes out on (a path may carry its deployment, project or region). */
  credential: Credential;
  operation: Operation;
  model: string;
  stream: boolean;
  dialect: Dialect;
}

/** What {@link ProviderDeclaration.sign} signs: one request as it goes out. */
export interface SignInput {
  credential: Credential;
  method: string;
  /** The full URL, query included. */
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** One page of a provider's model list. */
export interface ModelPage {
  models: ModelInfo[];
  /** Cursor of the next page, when there is one. */
  next?: string;
}

/**
 * A provider described as data: where it lives, how it authenticates, which path serves which
 * operation and how its errors and rate-limit headers read. {@link createHttpExecutor} turns it into an
 * {@link Executor}.
 */
export interface ProviderDeclaration {
  /** Provider id credentials refer to. */
  provider: string;
  /** Base URL used when neither the credential nor the executor options give one. */
  baseUrl: string;
  /** The dialect spoken for a caller; `model` is the upstream model when there is one (see {@link Executor.nativeDialect}). */
  nativeDialect(caller: Dialect, credential: Credential, model?: string): Dialect;
  /** Authentication headers for a credential (the secret goes here and nowhere else). */
  authHeaders(credential: Credential): Record<string, string>;
  /** Headers derived from the request, e.g. `anthropic-version` and a passed-through `anthropic-beta`. */
  requestHeaders?(request: ExecutorRequest): Record<string, string>;
  /**
   * The embedding API of the upstream (see {@link Executor.embeddingWire}); absent when it has none. The
   * `embed` operation's `path` must then answer too.
   */
  embeddingWire?(credential: Credential, model: string): EmbeddingWire | undefined;
  /** The path after the base URL, query included; undefined when the operation is not supported. */
  path(input: PathInput): string | undefined;
  /** The body actually sent. Must not mutate `request.body`; return a shallow copy when adding fields. */
  body?(request: ExecutorRequest): Record<string, unknown>;
  /**
   * Headers computed from the request exactly as it goes out (a request signature such as AWS SigV4),
   * added last. `url` is the full URL, `headers` every header sent so far. Absent: nothing is signed.
   */
  sign?(request: SignInput): Record<string, string>;
  /**
   * Rewrites a successful stream's bytes before anything reads them: into SSE of the request's dialect
   * for providers whose streams use another framing (the AWS event stream), or without events its dialect
   * lacks (Azure's content filter annotations). Absent: the bytes are passed on as they arrive.
   */
  streamBody?(body: AsyncIterable<Uint8Array>, request: ExecutorRequest): AsyncIterable<Uint8Array>;
  /**
   * Turns a non-stream answer's bytes into the request's dialect, for answers whose shape differs from
   * it (Bedrock's `{ inputTokens }` count). Absent: the bytes are passed on as they are.
   */
  responseBody?(bytes: Uint8Array, request: ExecutorRequest): Uint8Array;
  /** Reads an error answer. */
  parseError(failure: UpstreamFailure): ErrorClassification;
  /** Reads rate-limit headers, on success and failure alike. */
  quota?(headers: Readonly<Record<string, string>>, now: number): QuotaSnapshot | undefined;
  /**
   * Gets new tokens for an OAuth credential, when the provider has its own grant (a client-credentials
   * or JWT-bearer grant). Absent: the refresh-token grant against `oauth.tokenUrl`.
   */
  refresh?(credential: Credential, context: TokenRefreshContext): Promise<Credential>;
  /** Whether `refresh` can do anything for a credential. Required with `refresh`'s own grant. */
  canRefresh?(credential: Credential): boolean;
  /** How to list models; absent when the provider has no model list. */
  listModels?: {
    /** The path of one page; `cursor` is the previous page's `next`. */
    path(cursor: string | undefined): string;
    /** Headers the list needs besides authentication, e.g. Anthropic's `anthropic-version`. Default none. */
    headers?(credential: Credential): Record<string, string>;
    parse(json: unknown): ModelPage;
  };
}

/** Transport and limit options shared by every HTTP executor. */
export interface HttpExecutorOptions {
  /**
   * The undici dispatcher for direct connections, e.g. a `MockAgent` in tests or your own `Agent`.
   * Default: one keep-alive `Agent` shared by all executors with the same connect timeout.
   */
  dispatcher?: Dispatcher;
  /** Base URL for credentials that have none. Default: the provider's public API. */
  baseUrl?: string;
  /** Proxy for credentials that have no `proxyUrl`: `http://`, `https://`, `socks5://`. Default: none. */
  proxyUrl?: string;
  /** TCP/TLS connect timeout, ms (applies to dispatchers this executor creates). Default 10 000. */
  connectTimeoutMs?: number;
  /** Time allowed until the response headers arrive, ms. Default 300 000 (reasoning models are slow). */
  headersTimeoutMs?: number;
  /** Longest silence allowed between two body chunks, ms. Default 300 000. */
  bodyTimeoutMs?: number;
  /** Largest non-stream response body accepted, bytes; larger ones fail with an UpstreamError. Default 32 MiB. */
  maxBodyBytes?: number;
  /** How long a credential's model list is cached, ms. Default 300 000. */
  modelsCacheTtlMs?: number;
  /** Extra headers sent with every request (a credential's own `headers` win). */
  headers?: Record<string, string>;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** An {@link Executor} built from a {@link ProviderDeclaration}. */
export interface HttpExecutor extends Executor {
  listModels(credential: Credential, signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Closes the proxy dispatchers this executor created (never an injected or shared one). */
  close(): Promise<void>;
}
