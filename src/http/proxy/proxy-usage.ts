import type { UsageRecord } from '../../manager/types.js';

/** What the proxy knows about a finished call when it reports usage. */
export interface ProxyCall {
  requestId: string;
  service: string;
  /** The key of the last attempt; undefined when none was picked. */
  keyId?: string;
  status: number;
  attempts: number;
  started: number;
  /** Time to the answer's headers, ms. */
  ttfbMs?: number;
  bytesIn: number;
  bytesOut: number;
  principal?: string;
  errorCode?: string;
}

/**
 * The usage record of a proxied call, in the shape every sink, the metrics and the traces already read:
 * `kind: 'proxy'`, the service as `service` and as `modelRequested` / `modelUsed` (so usage grouped by
 * model, and the metrics' `model` label, show each service), `provider: 'proxy'`, the key by id (never the key), no tokens.
 */
export function proxyUsageRecord(call: ProxyCall, now: number): UsageRecord {
  const record: UsageRecord = {
    timestamp: now,
    requestId: call.requestId,
    kind: 'proxy',
    service: call.service,
    provider: 'proxy',
    modelRequested: call.service,
    modelUsed: call.service,
    dialect: 'proxy',
    stream: false,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    latencyMs: now - call.started,
    attempts: call.attempts,
    success: call.status < 400,
    status: call.status,
    bytesIn: call.bytesIn,
    bytesOut: call.bytesOut,
  };
  if (call.keyId !== undefined) record.credentialId = call.keyId;
  if (call.ttfbMs !== undefined) record.ttfbMs = call.ttfbMs;
  if (call.principal !== undefined) record.principal = call.principal;
  if (call.errorCode !== undefined) record.errorCode = call.errorCode;
  return record;
}
