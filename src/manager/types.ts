import type { SwitchyardError } from '../core/errors.js';
import type { QuotaSnapshot } from '../core/quota.js';
import type { Operation } from '../executors/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import type { Cost } from './cost/price-table.js';

/** One request handed to {@link Manager.execute}. */
export interface ExecuteInput {
  /** The caller's dialect; the answer comes back in it. */
  dialect: Dialect;
  /** The parsed JSON body in the caller's dialect. */
  body: Record<string, unknown>;
  /** The requested model. Defaults to `body.model` (Gemini carries it in the URL path instead). */
  model?: string;
  /** Streaming? Defaults to `body.stream === true` (Gemini: from the route). */
  stream?: boolean;
  /**
   * Default `generate`. `embed`: `body` is an OpenAI embeddings body (dialect `openai-chat`) or a Gemini
   * `embedContent` / `batchEmbedContents` body (dialect `gemini`, the model in `model`); the answer is
   * in the same shape, whichever upstream embedded it.
   */
  operation?: Operation;
  /** Caller request headers, lower-case names. Used for session affinity and provider pass-through headers. */
  headers?: Readonly<Record<string, string | undefined>>;
  /** Cancels the request, any pending backoff and the upstream call. */
  signal?: AbortSignal;
  /** Who is calling (from the host's auth); reaches hooks and usage records. */
  principal?: string;
  /** Request id; generated when absent. */
  requestId?: string;
  /**
   * Only credentials of these groups (`Credential.group`) may serve it; absent: every credential.
   * A client key limited to groups sets it.
   */
  groups?: readonly string[];
  /**
   * Only this credential may serve it (no failover to another): the management playground's forced
   * credential. Absent: any credential the route names.
   */
  credentialId?: string;
}

/** The answer of {@link Manager.execute}, in the caller's dialect. */
export interface ExecuteResult {
  status: number;
  /** Response headers for the caller (content-type, and for streams the SSE headers). */
  headers: Record<string, string>;
  stream: boolean;
  /**
   * The body: bytes for a non-stream answer, an async iterable of SSE bytes for a stream. Iterate a
   * stream to its end or call `return()` on its iterator (e.g. the client went away) to release the upstream.
   */
  body: Uint8Array | AsyncIterable<Uint8Array>;
  requestId: string;
  credentialId: string;
  provider: string;
  /** The upstream model name used. */
  model: string;
  /** Attempts the answer took (1 when the first credential answered). */
  attempts: number;
  /** Translation warnings (features the upstream dialect could not express). */
  warnings: readonly string[];
  /**
   * The answer's token usage, once it is complete: at once for a non-stream answer, when the stream
   * ends for a stream (undefined when the upstream reported none, or the stream failed before it did).
   * Never rejects. Hosts use it to meter streamed answers.
   */
  usage: Promise<Usage | undefined>;
}

/** One attempt on one credential, reported to `hooks.onAttempt` before it starts. */
export interface AttemptInfo {
  requestId: string;
  attempt: number;
  credentialId: string;
  provider: string;
  model: string;
  /** What the request asks for: `generate` (the default), `count_tokens` or `embed`. */
  operation?: Operation;
}

/** The outcome of one attempt, reported to `hooks.onResult`. */
export interface AttemptResult extends AttemptInfo {
  ok: boolean;
  error?: SwitchyardError;
  /** Cooldown applied because of this attempt, if any. */
  cooldown?: { model: string; until: number; reason: string };
  latencyMs: number;
}

/**
 * One record per finished request (successful or not), reported to `hooks.onUsage`. Never contains a
 * secret: credentials are named by id.
 */
export interface UsageRecord {
  timestamp: number;
  requestId: string;
  /** The credential of the last attempt; undefined when none was tried. */
  credentialId?: string;
  provider?: string;
  /** The model as the caller asked for it. */
  modelRequested: string;
  /** The upstream model name used. */
  modelUsed?: string;
  /** The caller's dialect; `proxy` for a call through the key-rotation proxy. */
  dialect: Dialect | 'proxy';
  /** Set when the request was not a `generate` (a chat-style call): `count_tokens` or `embed`. */
  operation?: Operation;
  stream: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Whole request, first attempt to last byte, ms. */
  latencyMs: number;
  /** Time to the first byte sent to the caller, ms. */
  ttfbMs?: number;
  /**
   * Time spent waiting on upstreams, ms, summed over the attempts: from each call until its answer was
   * read (or its stream ended). `latencyMs - upstreamMs` is the gateway's own overhead.
   */
  upstreamMs?: number;
  attempts: number;
  success: boolean;
  /** The HTTP status the caller got (200 for a stream that failed after its first byte). */
  status?: number;
  errorCode?: string;
  principal?: string;
  /**
   * What the request cost, from the Manager's price table and the upstream model used (else the model
   * requested). Absent when that model has no price: never a guess.
   */
  cost?: Cost;
  /**
   * `proxy` for a call through the key-rotation proxy (`createProxyHandler`): then `service` names the
   * service (also in `modelRequested` and `modelUsed`), `credentialId` the key's id, `provider` is `proxy`, tokens are 0
   * and `bytesIn` / `bytesOut` count the bodies. Absent for LLM requests.
   */
  kind?: 'proxy';
  /** The proxied service's name (`kind: 'proxy'` only). */
  service?: string;
  /** Request body bytes sent to the service (`kind: 'proxy'` only). */
  bytesIn?: number;
  /** Response body bytes sent to the caller (`kind: 'proxy'` only). */
  bytesOut?: number;
}

/** One cooldown of a credential, as {@link CredentialStatus} shows it. */
export interface CooldownStatus {
  /** The model it applies to, or `*` for every model of the credential. */
  model: string;
  reason: string;
  /** Epoch ms. */
  until: number;
}

/** What {@link Manager.status} reports about one credential. Never a secret. */
export interface CredentialStatus {
  id: string;
  label?: string;
  provider: string;
  kind: 'api-key' | 'oauth';
  priority: number;
  weight: number;
  /** The record's own `disabled` flag. */
  disabled: boolean;
  /** Requests and streams in flight on it now (across instances with a shared state store). */
  inFlight: number;
  /** Cooldowns in force, per model or for every model (`*`), with why and until when. */
  cooldowns: CooldownStatus[];
  /** `open` while consecutive transient failures keep it out. */
  circuit: 'open' | 'closed';
  /** True when it can be picked now for some model: not disabled, no credential-wide cooldown, circuit closed. */
  available: boolean;
  /** The kind of its last failed attempt in this process, and when (epoch ms). */
  lastErrorKind?: string;
  lastErrorAt?: number;
  /** The latest rate-limit snapshot its upstream reported. */
  quota?: QuotaSnapshot;
  /** Why switchyard disabled it (an OAuth grant the server refused), when it did. */
  disabledReason?: string;
  /** OAuth: when the access token expires, epoch ms. */
  expiresAt?: number;
  /** OAuth: when the access token was last obtained or refreshed, epoch ms. */
  lastRefreshAt?: number;
}

/** What {@link Manager.status} returns. */
export interface ManagerStatus {
  /** True once `close()` was called. */
  closing: boolean;
  /** Executions (requests and open streams) in flight in this process. */
  inFlight: number;
  credentials: CredentialStatus[];
}

/**
 * What a request said and what the caller got back, reported to `hooks.onContent` just before its
 * {@link UsageRecord} when some hook set has `onContent` (nothing is kept otherwise). It holds prompts and
 * answers: only hooks the host opts into should take it (tracing's `recordContent`, say).
 */
export interface ContentRecord {
  requestId: string;
  dialect: Dialect;
  stream: boolean;
  /** The caller's request body, as the caller sent it. */
  request: Readonly<Record<string, unknown>>;
  /**
   * The answer's bytes as the caller got them (its JSON, or the SSE of a stream), at most
   * `maxContentBytes` of them; undefined when no upstream answered.
   */
  response?: Uint8Array;
  /** The answer was longer than `response` holds. */
  truncated: boolean;
}

/** Callbacks for observability. They must not throw; errors they throw are swallowed. */
export interface ManagerHooks {
  onAttempt?(info: AttemptInfo): void;
  onResult?(result: AttemptResult): void;
  /** Opt-in: the request's and the answer's content, before `onUsage`. See {@link ContentRecord}. */
  onContent?(record: ContentRecord): void;
  onUsage?(record: UsageRecord): void;
}

export type { Usage };
