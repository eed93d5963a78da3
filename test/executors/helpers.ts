import type { Credential } from '../../src/core/credential.js';
import { SwitchyardError } from '../../src/core/errors.js';
import type { ExecutorRequest } from '../../src/executors/types.js';
import type { Dialect } from '../../src/translate/dialect.js';

export const API_KEY = 'sk-test-SECRET-0123456789abcdef';

const decoder = new TextDecoder();

/** A credential pointing at a fake. */
export function credential(baseUrl: string, extra: Partial<Credential> = {}): Credential {
  return { id: 'cred-1', provider: 'test', apiKey: API_KEY, baseUrl, ...extra };
}

/** An executor request with sensible defaults. */
export function request(
  cred: Credential,
  dialect: Dialect,
  body: Record<string, unknown>,
  extra: Partial<ExecutorRequest> = {},
): ExecutorRequest {
  return {
    credential: cred,
    dialect,
    operation: 'generate',
    model: typeof body.model === 'string' ? body.model : 'm',
    body,
    stream: body.stream === true,
    headers: {},
    signal: new AbortController().signal,
    requestId: 'req-1',
    ...extra,
  };
}

export async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of body) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

/** The SwitchyardError a promise rejects with (fails the test on anything else). */
export async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (err) {
    if (SwitchyardError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** Asserts nothing an error exposes (message, cause chain, upstream body) contains the secret. */
export function exposedText(err: SwitchyardError): string {
  const parts = [err.message, JSON.stringify(err.upstream ?? {})];
  let cause: unknown = err.cause;
  while (cause instanceof Error) {
    parts.push(cause.message);
    cause = cause.cause;
  }
  return parts.join('\n');
}
