import type { UsageRecord } from '../../manager/types.js';

/** A usage record with small defaults, for tests. */
export function usageRecord(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    timestamp: Date.UTC(2026, 0, 15, 10, 30),
    requestId: 'r',
    modelRequested: 'm',
    modelUsed: 'm',
    credentialId: 'c1',
    provider: 'p',
    principal: 'alice',
    dialect: 'openai-chat',
    stream: false,
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 2,
    cacheWriteTokens: 1,
    reasoningTokens: 3,
    latencyMs: 100,
    attempts: 1,
    success: true,
    cost: { amount: 0.01, currency: 'USD' },
    ...over,
  };
}
