import type { Awaitable } from '../core/awaitable.js';
import type { Logger } from '../core/logger.js';
import type { CostBudget, SpendCounter } from '../observe/usage/spend.js';
import type { ClientKeyStore } from './client-keys/types.js';

/**
 * A request body as a host hands it over: the raw bytes (whole, or as a stream of chunks), text, or a
 * value a framework already parsed from JSON (Express after `express.json()`, Fastify's JSON parser).
 * `null`/`undefined` mean no body.
 */
export type CoreRequestBody =
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | string
  | Record<string, unknown>
  | unknown[]
  | null
  | undefined;

/**
 * Where a Node adapter puts the request stream behind a streamed body it has not read and does not
 * limit (`Symbol.for`, so no module needs another's copy): a handler that forwards the body unread
 * (the key-rotation proxy) may pipe that stream itself, with no promise per chunk.
 */
export const NODE_READABLE = Symbol.for('switchyard.node-readable');

/**
 * The minimal request the core handler works on. Adapters build it from their framework's request; on
 * Node it maps straight onto `IncomingMessage`, with no Web `Request` in between (that costs about 4x in
 * throughput on Node).
 */
export interface CoreRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** The path without the query string, e.g. `/v1/chat/completions`. Percent-encoding kept. */
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams | Readonly<Record<string, string | undefined>>;
  /** Request headers, lower-case names. Repeated headers joined with `, `. */
  headers: Readonly<Record<string, string | undefined>>;
  body: CoreRequestBody;
  /** Aborted when the client goes away; cancels the upstream call. */
  signal: AbortSignal;
  /** The peer's IP address, when the host knows it (used by the loopback-only default). */
  remoteAddress?: string | undefined;
}

/** The minimal response the core handler answers with. */
export interface CoreResponse {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /**
   * Whole bytes, a stream of chunks (SSE), or nothing. A host that stops reading a stream early (the
   * client went away) must call `return()` on its iterator so the upstream is released.
   */
  body: Uint8Array | AsyncIterable<Uint8Array> | null;
}

/**
 * What every adapter mounts: one function from {@link CoreRequest} to {@link CoreResponse} that never
 * rejects, and which paths are its own. The client handler ({@link CoreHandler}) and the management
 * handler are both this.
 */
export interface MountableHandler {
  (request: CoreRequest): Promise<CoreResponse>;
  /**
   * True when `path` (as the handler sees it, `basePath` included) is one of the handler's routes, so
   * middleware can let other requests fall through to the host's own routes.
   */
  handles(path: string): boolean;
}

/** The core handler: one function from {@link CoreRequest} to {@link CoreResponse}. It never rejects. */
export interface CoreHandler extends MountableHandler {
  /**
   * Replaces access settings on a live handler (a config file was edited): keys, `authenticate`,
   * `allowUnauthenticated`, `maxBodyBytes`, `maxJsonDepth`. Settings not named keep their value; requests
   * in flight are not affected.
   *
   * @throws {ConfigError} when the settings are invalid, or would leave no key and no `authenticate` while
   * either is in force (a reload that lost its `api-keys` must not open the gateway); the old settings
   * then stay in force.
   */
  update(settings: HandlerSettings): void;
}

/** Another name of {@link CoreHandler}. */
export type Handler = CoreHandler;

/** The settings {@link CoreHandler.update} can change on a live handler. */
export type HandlerSettings = Partial<
  Pick<HandlerOptions, 'apiKeys' | 'keys' | 'authenticate' | 'allowUnauthenticated' | 'maxBodyBytes' | 'maxJsonDepth'>
>;

/** Limits and permissions of one client API key (or of a principal from {@link HandlerOptions.authenticate}). */
export interface ClientPolicy {
  /** Models it may use, `*` wildcards allowed (`gpt-4*`, `claude-*`). Absent: every model. */
  models?: readonly string[];
  /** Requests per minute. Absent: unlimited. */
  rpm?: number;
  /**
   * Tokens per minute. Counted as an estimate of the prompt (body bytes / 4) when a request is admitted,
   * plus the answer's output tokens for non-stream answers. Absent: unlimited.
   */
  tpm?: number;
  /**
   * A token budget (input plus output tokens, as the upstreams report them, streams included) per fixed
   * period, default 30 days from the first use in the period. Over it → 429 until the period ends.
   */
  budget?: { tokens: number; periodMs?: number };
  /** When the key stops working, epoch ms. Past it → 401 saying when it expired. Absent: never. */
  expiresAt?: number;
  /**
   * Client addresses it may be used from: CIDR ranges or single addresses, IPv4 and IPv6
   * (`10.0.0.0/8`, `192.168.1.7`, `2001:db8::/32`). From others → 403. Absent: any address.
   */
  allowedIps?: readonly string[];
  /** Requests (streams included) in flight at once, across instances sharing a state store. Over it → 429. */
  maxConcurrent?: number;
  /** Credential groups that may serve it (`Credential.group`). Absent: every credential. */
  groups?: readonly string[];
  /**
   * Spending limits per UTC day or month, checked against {@link HandlerOptions.spend} (the same cost
   * numbers the usage ledger records). Used up → 429 until the period ends.
   */
  costBudgets?: readonly CostBudget[];
}

/** One client API key with its policy. */
export interface ClientKey extends ClientPolicy {
  key: string;
  /** Who the key belongs to; reaches hooks and usage records. Default: `key:` and 8 hex digits of the key's SHA-256. */
  principal?: string;
}

/** What {@link HandlerOptions.authenticate} returns for an accepted caller. */
export interface AuthResult extends ClientPolicy {
  principal: string;
}

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** Client API keys accepted as `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or `?key=`. */
  apiKeys?: readonly string[];
  /** Client API keys with per-key policy (allowed models, rpm, tpm). */
  keys?: readonly ClientKey[];
  /**
   * Client keys created at run time (the management API's `api-keys`), kept as digests; followed for
   * changes so every instance on the same store accepts them. With a store the handler is keyed even
   * while the store is empty (`allowUnauthenticated` still decides who is served while no key exists).
   */
  keyStore?: ClientKeyStore;
  /**
   * What each principal spent, for keys with `costBudgets`: a `SpendCounter` fed by the Manager's usage
   * records (`switchyard serve` seeds it from its ledger). Required when a key has cost budgets.
   */
  spend?: Pick<SpendCounter, 'spent'> & { readonly unknown?: string | undefined };
  /**
   * The host's own authentication, tried when no configured key matches. Return `null` to refuse (401).
   * Its `principal` goes to `ExecuteInput.principal`.
   */
  authenticate?: (request: CoreRequest) => Awaitable<AuthResult | null>;
  /**
   * What to do with no key and no `authenticate`; a handler without any of the three is refused (a
   * `ConfigError` from {@link createHandler}), so an endpoint is never open by accident.
   * - `'loopback'`: serve only loopback peers (`127.0.0.0/8`, `::1`) whose request carries no
   *   `Forwarded`, `X-Forwarded-For` or `X-Real-IP` header (behind a reverse proxy every client looks
   *   like loopback); others get a 403.
   * - `true`: serve anyone.
   *
   * Ignored while keys or `authenticate` are configured. Default: not set.
   */
  allowUnauthenticated?: boolean | 'loopback';
  /** A prefix the handler is mounted under, e.g. `/llm`. Default none. */
  basePath?: string;
  /** Largest request body, bytes. Default 10 MB. */
  maxBodyBytes?: number;
  /**
   * Deepest nesting of objects and arrays a request body may have (`{}` is 1). Deeper bodies get a 400
   * in the caller's dialect before any credential is picked. Default 128.
   */
  maxJsonDepth?: number;
  /**
   * Called with every unexpected failure (a bug, a throwing `authenticate`), for the host's logs. The
   * caller only sees a generic 500. Must not throw.
   */
  onError?: (error: unknown, context: { requestId: string; path: string }) => void;
  /** Where unexpected failures are logged (error name and message, request id, path). Default: nowhere. */
  logger?: Logger;
  /** Clock for the rate-limit windows, ms. Default `Date.now`. */
  now?: () => number;
}
