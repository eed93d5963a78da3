import { type ErrorKind, SwitchyardError } from '../core/errors.js';
import { HttpError } from '../http/error-response.js';
import type { CoreResponse } from '../http/types.js';

const encoder = new TextEncoder();

/** A JSON answer with `cache-control: no-store` (management answers are never cached). */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): CoreResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: encoder.encode(JSON.stringify(value)),
  };
}

/** An answer without a body. */
export function empty(status: number): CoreResponse {
  return { status, headers: { 'cache-control': 'no-store' }, body: null };
}

/** A management error body: `{ error: { type, message, param? } }`. */
export function failure(
  status: number,
  type: ErrorKind | 'method_not_allowed',
  message: string,
  extra: { param?: string | undefined; headers?: Record<string, string> } = {},
): CoreResponse {
  const error: Record<string, string> = { type, message };
  if (extra.param) error.param = extra.param;
  return json(status, { error }, extra.headers);
}

/** Any thrown value as a management error: our errors keep their status and kind, the rest are 500s. */
export function failureFromError(err: unknown): CoreResponse {
  if (err instanceof HttpError) return failure(err.status, err.kind, err.message, { param: err.param });
  if (err instanceof SwitchyardError) return failure(err.status, err.kind, err.message);
  return failure(500, 'internal', 'The management API failed; see the gateway log');
}
