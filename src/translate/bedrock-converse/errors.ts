import { excerptErrorBody } from '../../core/error-excerpt.js';
import type { ErrorKind } from '../../core/errors.js';
import { kindForCaller, kindFromStatus } from '../../core/kind-from-status.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import type { CanonicalError } from '../canonical.js';
import { isRecord, parseJson, str } from '../json.js';

/**
 * Bedrock runtime exception names → switchyard error kinds: who is at fault. Throttling and an
 * exceeded service quota are rate limits (another credential may serve; this one waits out the hint);
 * a model that is not ready yet is transient; a validation failure is the caller's request; an
 * unrecognised or expired key is the credential's authentication, a denied action its permission; a
 * model that does not exist (or is not enabled) for this account is a model missing on this credential.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
const KIND_OF_TYPE: ReadonlyMap<string, ErrorKind> = new Map([
  ['ThrottlingException', 'rate_limited'],
  ['ServiceQuotaExceededException', 'rate_limited'],
  ['ModelNotReadyException', 'overloaded'],
  ['ServiceUnavailableException', 'overloaded'],
  ['ValidationException', 'invalid_request'],
  ['AccessDeniedException', 'forbidden'],
  ['UnrecognizedClientException', 'unauthorized'],
  ['InvalidSignatureException', 'unauthorized'],
  ['IncompleteSignature', 'unauthorized'],
  ['ExpiredTokenException', 'unauthorized'],
  ['MissingAuthenticationTokenException', 'unauthorized'],
  ['ResourceNotFoundException', 'not_found'],
  ['ModelTimeoutException', 'timeout'],
  ['ModelErrorException', 'upstream_error'],
  ['ModelStreamErrorException', 'upstream_error'],
  ['InternalServerException', 'upstream_error'],
]);

/** The status each exception is sent with, for rendering one from a canonical error. */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = Object.freeze({
  ThrottlingException: 429,
  ServiceQuotaExceededException: 400,
  ModelNotReadyException: 429,
  ServiceUnavailableException: 503,
  ValidationException: 400,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  InternalServerException: 500,
});

/** What a Bedrock error says: its exception name, message and kind. */
export interface BedrockErrorReading {
  /** The exception name (`ThrottlingException`), from `x-amzn-errortype` or the body's `__type`. */
  type: string | undefined;
  message: string | undefined;
  kind: ErrorKind;
}

/**
 * The exception name of `x-amzn-errortype: ThrottlingException:http://internal.amazon.com/...` or of a
 * body's `__type` (`com.amazon.bedrock#ThrottlingException`). Stream exceptions are named in camel case
 * (`throttlingException`): they are read the same way.
 */
export function exceptionName(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let name = raw;
  const colon = name.indexOf(':');
  if (colon !== -1) name = name.slice(0, colon);
  const hash = name.lastIndexOf('#');
  if (hash !== -1) name = name.slice(hash + 1);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Reads a Bedrock error: the body `{ "message": "..." }` (or `Message`), the exception name from the
 * `x-amzn-errortype` header (else the body's `__type`), the kind from the name (else the status alone).
 */
export function readBedrockError(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): BedrockErrorReading {
  const root = isRecord(body) ? body : undefined;
  const type = exceptionName(headers?.['x-amzn-errortype']) ?? exceptionName(str(root?.__type));
  const message = str(root?.message) || str(root?.Message) || undefined;
  const kind = (type === undefined ? undefined : KIND_OF_TYPE.get(type)) ?? kindFromStatus(status);
  return { type, message, kind };
}

/**
 * A Bedrock error body (`{ message }`, parsed or as text) with its status and headers, in canonical
 * form. The exception name is kept as `providerCode`; `retry-after` becomes `retryAfterMs`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
export function errorToCanonical(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): CanonicalError {
  const parsed = typeof body === 'string' ? (parseJson(body) ?? body) : body;
  const read = readBedrockError(status, parsed, headers);
  let message: string;
  if (read.message !== undefined) message = read.message;
  else if (typeof parsed === 'string' && parsed.trim() !== '')
    message = `Upstream returned HTTP ${status}: ${excerptErrorBody(parsed)}`;
  else message = `Upstream returned HTTP ${status}`;
  const out: CanonicalError = { status, message, kind: kindForCaller(read.kind) };
  if (read.type !== undefined) out.providerCode = read.type;
  const retryAfterMs = headers === undefined ? undefined : parseRetryAfter(headers, Date.now());
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  return out;
}

/** The exception name for a canonical error: its own when it is Bedrock's, else one for its kind. */
export function exceptionTypeFromCanonical(error: CanonicalError): string {
  if (error.providerCode !== undefined && KIND_OF_TYPE.has(error.providerCode)) return error.providerCode;
  switch (error.kind) {
    case 'invalid_request':
      return 'ValidationException';
    case 'unauthorized':
      return 'UnrecognizedClientException';
    case 'forbidden':
      return 'AccessDeniedException';
    case 'not_found':
    case 'model_not_found':
      return 'ResourceNotFoundException';
    case 'rate_limited':
    case 'quota_exhausted':
      return 'ThrottlingException';
    case 'overloaded':
      return 'ServiceUnavailableException';
    case 'timeout':
      return 'ModelTimeoutException';
    default:
      return 'InternalServerException';
  }
}

/**
 * The Bedrock error body and status for a canonical error: `{ "message": "..." }` with the exception
 * name in `__type` (Bedrock sends it in the `x-amzn-errortype` header; a body alone carries it there).
 */
export function errorFromCanonical(error: CanonicalError): { status: number; body: Record<string, unknown> } {
  const type = exceptionTypeFromCanonical(error);
  const status = error.status >= 400 && error.status <= 599 ? error.status : (STATUS_OF_TYPE[type] ?? 500);
  return { status, body: { message: error.message, __type: type } };
}
