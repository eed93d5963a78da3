import type { Usage } from '../dialect.js';
import { type JsonObject, num, obj } from '../json.js';
import type { GeminiUsageMetadata } from './wire-types.js';

/**
 * Gemini `usageMetadata` → canonical usage. `promptTokenCount` already includes
 * `cachedContentTokenCount`; `thoughtsTokenCount` is NOT part of `candidatesTokenCount`, so output is
 * their sum. `toolUsePromptTokenCount` (tool results the server fetched, e.g. search) is input.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function usageToCanonical(value: unknown): Usage | undefined {
  const meta = obj(value);
  if (!meta) return undefined;
  const prompt = num(meta.promptTokenCount) ?? 0;
  const toolUse = num(meta.toolUsePromptTokenCount) ?? 0;
  const candidates = num(meta.candidatesTokenCount) ?? 0;
  const thoughts = num(meta.thoughtsTokenCount);
  const cached = num(meta.cachedContentTokenCount);
  const usage: Usage = { inputTokens: prompt + toolUse, outputTokens: candidates + (thoughts ?? 0) };
  if (cached !== undefined) usage.cacheReadTokens = cached;
  if (thoughts !== undefined) usage.reasoningTokens = thoughts;
  return usage;
}

/** Canonical usage → Gemini `usageMetadata` (cache writes have no Gemini counterpart). */
export function usageFromCanonical(usage: Usage): GeminiUsageMetadata {
  const thoughts = usage.reasoningTokens ?? 0;
  const meta: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - thoughts),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cacheReadTokens !== undefined) meta.cachedContentTokenCount = usage.cacheReadTokens;
  if (usage.reasoningTokens !== undefined) meta.thoughtsTokenCount = usage.reasoningTokens;
  return meta;
}

/** Usage of a non-stream Gemini response body (its `usageMetadata`), in canonical form. */
export function readUsage(body: JsonObject): Usage | undefined {
  return usageToCanonical(body.usageMetadata);
}
