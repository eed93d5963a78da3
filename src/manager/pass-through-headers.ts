import type { ExecuteInput } from './types.js';

/**
 * Caller headers passed on to the executor: provider options the upstream may need (Anthropic's API
 * version and beta flags). An allow-list, so nothing else the caller sent reaches an upstream.
 */
export const PASS_THROUGH_HEADERS: readonly string[] = ['anthropic-version', 'anthropic-beta'];

/** The caller headers an executor gets, of those the Manager was given. */
export function passThroughHeaders(headers: ExecuteInput['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name of PASS_THROUGH_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
