import { PASS_THROUGH_HEADERS } from '../manager/pass-through-headers.js';
import { SESSION_HEADERS } from '../manager/selectors/session-key.js';

/**
 * Caller headers handed to the Manager: provider options the upstream may need (the Manager's
 * pass-through list) and session ids for affinity (the session headers it looks for). An allow-list,
 * so the caller's own credentials (`authorization`, `x-api-key`, `x-goog-api-key`, cookies) and
 * hop-by-hop headers never travel upstream.
 */
export const FORWARDED_REQUEST_HEADERS: readonly string[] = [...PASS_THROUGH_HEADERS, ...SESSION_HEADERS];

/**
 * Response headers the caller may see. An allow-list, so nothing that identifies the upstream
 * (`set-cookie`, provider request ids, organisation ids) and no hop-by-hop header passes.
 */
const RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'cache-control',
  'x-accel-buffering',
  'content-language',
  'retry-after',
]);

/** The caller headers the Manager may see. */
export function forwardedHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The Manager's response headers the caller may see. */
export function responseHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (RESPONSE_HEADERS.has(lower)) out[lower] = headers[name]!;
  }
  return out;
}
