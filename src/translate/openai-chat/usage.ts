import type { Usage } from '../dialect.js';
import { isRecord, type JsonObject, num, obj } from '../json.js';
import type { ChatUsage } from './wire-types.js';

/**
 * Chat Completions `usage` → canonical. `prompt_tokens` already includes the cached tokens and
 * `completion_tokens` the reasoning tokens, which is exactly what canonical {@link Usage} counts.
 * DeepSeek reports cache hits as `prompt_cache_hit_tokens` instead of `prompt_tokens_details`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function usageToCanonical(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const input = num(value.prompt_tokens);
  const output = num(value.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const cached = num(obj(value.prompt_tokens_details)?.cached_tokens) ?? num(value.prompt_cache_hit_tokens);
  if (cached !== undefined) usage.cacheReadTokens = cached;
  const reasoning = num(obj(value.completion_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}

/**
 * Canonical → Chat Completions `usage`. `inputTokens` already counts cache reads and cache writes
 * (Anthropic), so `prompt_tokens` is it unchanged; Chat has no field for cache writes, which stay
 * inside `prompt_tokens` only.
 */
export function usageFromCanonical(usage: Usage): ChatUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/** Usage of a non-stream `chat.completion` body. */
export function readUsage(body: JsonObject): Usage | undefined {
  return usageToCanonical(body.usage);
}
