/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and the ones a proxy must not relay: they describe one
 * connection, not the message.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * Request headers never sent upstream: the caller's own key in every place an SDK puts it, its cookies
 * (the gateway's, not the service's), the host (the service's own is set from the base URL), `expect`
 * (the gateway answers 100-continue itself) and forwarding headers (they would tell the service about
 * the gateway's network).
 */
const DROPPED_REQUEST: ReadonlySet<string> = new Set([
  'host',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'cookie',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
]);

/** Names listed in a `Connection` header: hop-by-hop for this message too. */
function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (!value) return undefined;
  const names = new Set<string>();
  for (const part of value.split(',')) {
    const name = part.trim().toLowerCase();
    if (name) names.add(name);
  }
  return names;
}

/**
 * The caller's headers as they go upstream: hop-by-hop ones, the caller's key, cookies and forwarding
 * headers removed, and `keyHeader` (the service's key header, lower case) left for the caller to set.
 */
export function upstreamRequestHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  keyHeader: string | undefined,
): Record<string, string> {
  const listed = connectionTokens(headers.connection);
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || DROPPED_REQUEST.has(lower) || lower === keyHeader || listed?.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}

/**
 * The service's response headers as the caller gets them: hop-by-hop ones and `set-cookie` removed; a
 * header that holds the key (a `location` with the key in its query, an echo) has it masked, so the
 * key never reaches the caller.
 */
export function callerResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  secrets: readonly string[],
): Record<string, string> {
  const connection = headers.connection;
  const listed = connectionTokens(Array.isArray(connection) ? connection.join(',') : connection);
  const out: Record<string, string> = {};
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'set-cookie' || listed?.has(lower)) continue;
    let value = Array.isArray(raw) ? raw.join(', ') : raw;
    for (const secret of secrets) if (value.includes(secret)) value = value.split(secret).join('[redacted]');
    out[lower] = value;
  }
  return out;
}
