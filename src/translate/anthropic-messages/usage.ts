import type { Usage } from '../dialect.js';
import { type JsonObject, num, obj } from '../json.js';

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` excludes cache reads and writes; canonical
 * `inputTokens` counts all input, so the three are summed. Cache fields are kept only when Anthropic
 * sent numbers (so a round trip adds nothing). Undefined when `usage` is not an object.
 *
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function usageToCanonical(usage: unknown): Usage | undefined {
  const u = obj(usage);
  if (u === undefined) return undefined;
  const input = num(u.input_tokens) ?? 0;
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  const out: Usage = {
    inputTokens: input + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: num(u.output_tokens) ?? 0,
  };
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteTokens = cacheWrite;
  const thinking = num(obj(u.output_tokens_details)?.thinking_tokens);
  if (thinking !== undefined) out.reasoningTokens = thinking;
  return out;
}

/**
 * Canonical usage → Anthropic's `usage` object: `input_tokens` without the cached tokens, and the cache
 * fields when known. Reasoning tokens are part of `output_tokens` (Anthropic bills them as output).
 */
export function usageFromCanonical(usage: Usage | undefined): JsonObject {
  if (usage === undefined) return { input_tokens: 0, output_tokens: 0 };
  const cacheRead = usage.cacheReadTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const out: JsonObject = {
    input_tokens: Math.max(0, usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0)),
  };
  if (cacheWrite !== undefined) out.cache_creation_input_tokens = cacheWrite;
  if (cacheRead !== undefined) out.cache_read_input_tokens = cacheRead;
  out.output_tokens = usage.outputTokens;
  if (usage.reasoningTokens !== undefined) out.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return out;
}
