import type { Usage } from '../dialect.js';
import { type JsonObject, num, obj } from '../json.js';
import type { AnthropicUsage } from './wire-types.js';

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
export function usageFromCanonical(usage: Usage | undefined): AnthropicUsage {
  if (usage === undefined) return { input_tokens: 0, output_tokens: 0 };
  const cacheRead = usage.cacheReadTokens;
  const cacheWrite = usage.cacheWriteTokens;
  // Spelled out in Anthropic's field order: re-encoded streams stay byte-identical.
  return {
    input_tokens: Math.max(0, usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0)),
    ...(cacheWrite === undefined ? {} : { cache_creation_input_tokens: cacheWrite }),
    ...(cacheRead === undefined ? {} : { cache_read_input_tokens: cacheRead }),
    output_tokens: usage.outputTokens,
    ...(usage.reasoningTokens === undefined
      ? {}
      : { output_tokens_details: { thinking_tokens: usage.reasoningTokens } }),
  };
}

/** Usage of a non-stream Anthropic response body, in canonical form. */
export function readUsage(body: JsonObject): Usage | undefined {
  return usageToCanonical(body.usage);
}
