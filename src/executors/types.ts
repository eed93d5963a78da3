import type { Credential } from '../core/credential.js';
import type { QuotaSnapshot } from '../core/quota.js';
import type { Dialect } from '../translate/dialect.js';
import type { EmbeddingWire } from '../translate/embeddings/types.js';

/**
 * What an executor is asked to do: generate an answer, count a prompt's tokens, or embed inputs (the
 * body is then in the upstream's embedding shape, see {@link Executor.embeddingWire}).
 */
export type Operation = 'generate' | 'count_tokens' | 'embed';

/**
 * One upstream call, already in the executor's native dialect. The Manager builds it: it has chosen
 * the credential, translated the body and resolved the upstream model name.
 */
export interface ExecutorRequest {
  credential: Credential;
  /** The dialect of `body` (one the executor said it speaks via {@link Executor.nativeDialect}). */
  dialect: Dialect;
  operation: Operation;
  /** The upstream model name (aliases already resolved). Already set in `body` where the dialect carries it. */
  model: string;
  /** The JSON request body in `dialect`. The executor may add fields (e.g. `stream_options`) but must not mutate it. */
  body: Record<string, unknown>;
  stream: boolean;
  /**
   * Caller headers the executor may pass through (lower-case names), e.g. `anthropic-beta`,
   * `anthropic-version`. Never contains the caller's own credentials.
   */
  headers: Readonly<Record<string, string>>;
  /** Aborts the upstream call (the caller went away, or a timeout fired). */
  signal: AbortSignal;
  requestId: string;
}

/** A successful (2xx) upstream answer. Failures are thrown as {@link SwitchyardError}s. */
export interface ExecutorResponse {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /**
   * The body bytes in the request's dialect: SSE for streams, JSON otherwise. Streamed as it arrives,
   * never buffered for a stream. Iterating it to the end, or calling `return()` on its iterator, releases the socket.
   */
  body: AsyncIterable<Uint8Array>;
  /** Rate-limit state read off the response headers, when the provider sends any. */
  quota?: QuotaSnapshot;
}

/** A model as listed by a provider. */
export interface ModelInfo {
  id: string;
  provider: string;
  displayName?: string;
  /**
   * When the provider says the model was created, epoch seconds (OpenAI's `created`, Anthropic's
   * `created_at` converted). The handler's model lists show it; absent when the provider gives none.
   */
  created?: number;
}

/**
 * Talks to one provider in its native wire format. Implement this to add a provider; register it with
 * the Manager under its `provider` id.
 *
 * Failures must be thrown as {@link SwitchyardError} subclasses (rate limits with `retryAfterMs`,
 * quota exhaustion with `credentialWide`, timeouts, network errors, aborts), so the Manager can classify them.
 *
 * @example
 * ```ts
 * const echo: Executor = {
 *   provider: 'echo',
 *   nativeDialect: () => 'openai-chat',
 *   async execute(req) {
 *     const text = JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] });
 *     return { status: 200, headers: { 'content-type': 'application/json' },
 *       body: (async function* () { yield new TextEncoder().encode(text) })() };
 *   },
 * };
 * ```
 */
export interface Executor {
  /** Provider id; credentials whose `provider` equals it are served by this executor. */
  readonly provider: string;
  /**
   * The dialect this executor speaks for a caller speaking `caller`. Most executors have one native
   * dialect; the OpenAI executor speaks both Chat and Responses; the mock speaks whatever it is asked.
   * `model` is the upstream model of the call, for providers whose API depends on it (Bedrock; Vertex AI
   * serves Gemini and Claude models in different formats); absent when no model is at hand (model lists).
   */
  nativeDialect(caller: Dialect, credential: Credential, model?: string): Dialect;
  /** Performs the call. Resolves once response headers arrived with a 2xx status. */
  execute(request: ExecutorRequest): Promise<ExecutorResponse>;
  /**
   * Refreshes an OAuth credential, returning it with new tokens (and expiry). The Manager saves it to
   * the store before using it. Absent for API-key-only providers.
   */
  refresh?(credential: Credential, signal: AbortSignal): Promise<Credential>;
  /**
   * Whether `refresh` can do anything for this credential (e.g. it names a token endpoint, or has the
   * client secret of a client-credentials grant). Absent means: when the credential has a refresh token.
   * A credential that cannot be refreshed is used until it fails, then disabled until its secret changes.
   */
  canRefresh?(credential: Credential): boolean;
  /** How long before `oauth.expiresAt` to refresh proactively, ms. Default 5 minutes. */
  readonly refreshLeadMs?: number;
  /** Lists the models a credential can use. */
  listModels?(credential: Credential, signal?: AbortSignal): Promise<ModelInfo[]>;
  /**
   * The embedding API the upstream has for this credential and upstream model (`openai`: `POST
   * …/embeddings`; `gemini`: `:batchEmbedContents`; Bedrock's InvokeModel bodies `bedrock-titan` and
   * `bedrock-cohere`, by model), which shapes the bodies of `embed` calls. Absent, or undefined for a
   * credential and model: it cannot embed them, and the Manager never routes embeddings to it.
   */
  embeddingWire?(credential: Credential, model: string): EmbeddingWire | undefined;
}
