/**
 * The error kinds switchyard reports. Every failure, whether it came from an upstream, the network,
 * the caller or switchyard itself, is classified into exactly one of these.
 */
export type ErrorKind =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'model_not_found'
  | 'overloaded'
  | 'invalid_request'
  | 'upstream_error'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'no_credentials'
  | 'conflict'
  | 'config'
  | 'endpoint_not_found'
  | 'internal'
  | 'closed';

/** The stable `code` string for each kind; hosts switch on these, never on message text. */
export const ERROR_CODES = {
  rate_limited: 'SWITCHYARD_RATE_LIMITED',
  quota_exhausted: 'SWITCHYARD_QUOTA_EXHAUSTED',
  unauthorized: 'SWITCHYARD_UNAUTHORIZED',
  forbidden: 'SWITCHYARD_FORBIDDEN',
  not_found: 'SWITCHYARD_NOT_FOUND',
  model_not_found: 'SWITCHYARD_MODEL_NOT_FOUND',
  overloaded: 'SWITCHYARD_OVERLOADED',
  invalid_request: 'SWITCHYARD_INVALID_REQUEST',
  upstream_error: 'SWITCHYARD_UPSTREAM_ERROR',
  network: 'SWITCHYARD_NETWORK',
  timeout: 'SWITCHYARD_TIMEOUT',
  aborted: 'SWITCHYARD_ABORTED',
  no_credentials: 'SWITCHYARD_NO_CREDENTIALS',
  conflict: 'SWITCHYARD_CONFLICT',
  config: 'SWITCHYARD_CONFIG',
  endpoint_not_found: 'SWITCHYARD_ENDPOINT_NOT_FOUND',
  internal: 'SWITCHYARD_INTERNAL',
  closed: 'SWITCHYARD_CLOSED',
} as const satisfies Record<ErrorKind, string>;

/** One of the values of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[ErrorKind];

/** The HTTP status each kind is reported with when no upstream status is known. */
export const DEFAULT_STATUS: Record<ErrorKind, number> = {
  rate_limited: 429,
  quota_exhausted: 429,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  model_not_found: 404,
  overloaded: 529,
  invalid_request: 400,
  upstream_error: 502,
  network: 502,
  timeout: 504,
  aborted: 499,
  no_credentials: 503,
  conflict: 409,
  config: 500,
  endpoint_not_found: 502,
  internal: 500,
  closed: 503,
};

/**
 * What an upstream said when it failed, kept so the error can be re-rendered in the caller's dialect.
 * `body` is the parsed JSON error body when it was JSON, else the (truncated) text.
 */
export interface UpstreamErrorInfo {
  /** The provider id of the executor that made the call, e.g. `anthropic`. */
  provider: string;
  /** The wire dialect the upstream spoke. */
  dialect?: string;
  status: number;
  body?: unknown;
  /** The upstream path that was called, without its query (set for endpoint errors). */
  path?: string;
}

/** Options accepted by every {@link SwitchyardError} constructor. */
export interface SwitchyardErrorOptions {
  /** HTTP status to report; defaults to the kind's {@link DEFAULT_STATUS}. */
  status?: number;
  /** How long the caller (or the Manager) should wait before trying again, in milliseconds. */
  retryAfterMs?: number;
  /** The id of the credential that failed, if any. Never a secret. */
  credentialId?: string;
  upstream?: UpstreamErrorInfo;
  /** When true the whole credential is exhausted, not just the model (e.g. billing, `insufficient_quota`). */
  credentialWide?: boolean;
  /** The request field at fault, for invalid requests (rendered as OpenAI's `param`). */
  param?: string;
  cause?: unknown;
}

const BRAND = Symbol.for('switchyard.error');

/**
 * Base class of every error switchyard throws. Switch on {@link SwitchyardError.code} (stable) or
 * {@link SwitchyardError.kind}; `instanceof` works across two copies of the package because the
 * check is done with a `Symbol.for` brand.
 *
 * @example
 * ```ts
 * try { await manager.execute(input) } catch (err) {
 *   if (SwitchyardError.is(err) && err.code === 'SWITCHYARD_RATE_LIMITED') retryLater(err.retryAfterMs);
 * }
 * ```
 */
export class SwitchyardError extends Error {
  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  readonly credentialId: string | undefined;
  readonly upstream: UpstreamErrorInfo | undefined;
  readonly credentialWide: boolean;
  readonly param: string | undefined;

  constructor(kind: ErrorKind, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchyardError';
    this.kind = kind;
    this.code = ERROR_CODES[kind];
    this.status = options.status ?? DEFAULT_STATUS[kind];
    this.retryAfterMs = options.retryAfterMs;
    this.credentialId = options.credentialId;
    this.upstream = options.upstream;
    this.credentialWide = options.credentialWide ?? false;
    this.param = options.param;
  }

  /** True for any switchyard error, even one thrown by another copy of the package. */
  static is(value: unknown): value is SwitchyardError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep ordinary prototype checks; the base class accepts any branded error.
    if (this === SwitchyardError) return SwitchyardError.is(value);
    return typeof value === 'object' && value !== null && Object.prototype.isPrototypeOf.call(this.prototype, value);
  }
}
Object.defineProperty(SwitchyardError.prototype, BRAND, { value: true });

function kindClass(kind: ErrorKind, name: string) {
  const cls = class extends SwitchyardError {
    constructor(message: string, options?: SwitchyardErrorOptions) {
      super(kind, message, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

/** A provider said "slow down" (HTTP 429 with a rate-limit meaning). */
export class RateLimitedError extends kindClass('rate_limited', 'RateLimitedError') {}
/** The credential's quota or billing is exhausted (`insufficient_quota`, 402, …). */
export class QuotaExhaustedError extends kindClass('quota_exhausted', 'QuotaExhaustedError') {}
/** The upstream rejected the credential (401). */
export class UnauthorizedError extends kindClass('unauthorized', 'UnauthorizedError') {}
/** The upstream refused the credential access (403). */
export class ForbiddenError extends kindClass('forbidden', 'ForbiddenError') {}
/** The upstream does not know the model or route for this credential (404). */
export class NotFoundError extends kindClass('not_found', 'NotFoundError') {}
/** No credential serves the requested model. */
export class ModelNotFoundError extends kindClass('model_not_found', 'ModelNotFoundError') {}
/** The upstream is overloaded (Anthropic 529, 503 overloaded). */
export class OverloadedError extends kindClass('overloaded', 'OverloadedError') {}
/** The request itself is at fault; never retried, never cools a credential. */
export class InvalidRequestError extends kindClass('invalid_request', 'InvalidRequestError') {}
/** Any other upstream failure (5xx, unparseable answer, truncated stream). */
export class UpstreamError extends kindClass('upstream_error', 'UpstreamError') {}
/** The connection to the upstream failed. */
export class NetworkError extends kindClass('network', 'NetworkError') {}
/** The upstream did not answer in time (connect, headers, first byte or idle body). */
export class TimeoutError extends kindClass('timeout', 'TimeoutError') {}
/** The caller aborted the request. */
export class AbortedError extends kindClass('aborted', 'AbortedError') {}
/** No credential could serve the request right now (all disabled, cooling or failed). */
export class NoCredentialsError extends kindClass('no_credentials', 'NoCredentialsError') {}
/** A store refused a save because the record changed since it was read. */
export class ConflictError extends kindClass('conflict', 'ConflictError') {}
/** Configuration is invalid. */
export class ConfigError extends kindClass('config', 'ConfigError') {}
/**
 * The upstream answered 404 for the endpoint itself (a wrong base URL, a service without that API), not
 * "this model does not exist": a setup mistake, reported to the caller as a 502.
 */
export class EndpointNotFoundError extends kindClass('endpoint_not_found', 'EndpointNotFoundError') {}
/**
 * switchyard's own code (or a custom executor's) threw before the request reached the network. Never
 * retried on another credential (it would fail the same way) and never cools a credential.
 */
export class InternalError extends kindClass('internal', 'InternalError') {}
/** The Manager is closing or closed and takes no new work (503). */
export class ClosedError extends kindClass('closed', 'ClosedError') {}

const CLASSES: Record<ErrorKind, new (message: string, options?: SwitchyardErrorOptions) => SwitchyardError> = {
  rate_limited: RateLimitedError,
  quota_exhausted: QuotaExhaustedError,
  unauthorized: UnauthorizedError,
  forbidden: ForbiddenError,
  not_found: NotFoundError,
  model_not_found: ModelNotFoundError,
  overloaded: OverloadedError,
  invalid_request: InvalidRequestError,
  upstream_error: UpstreamError,
  network: NetworkError,
  timeout: TimeoutError,
  aborted: AbortedError,
  no_credentials: NoCredentialsError,
  conflict: ConflictError,
  config: ConfigError,
  endpoint_not_found: EndpointNotFoundError,
  internal: InternalError,
  closed: ClosedError,
};

/** Builds the right subclass for a kind. */
export function createError(kind: ErrorKind, message: string, options?: SwitchyardErrorOptions): SwitchyardError {
  return new CLASSES[kind](message, options);
}
