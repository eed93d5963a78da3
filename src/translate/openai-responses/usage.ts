import type { Usage } from '../dialect.js';
import { num, obj } from '../json.js';
import type { ResponsesUsage } from './wire-types.js';

/**
 * Responses `usage` in canonical form. OpenAI's `input_tokens` already includes the cached ones and
 * `output_tokens` the reasoning ones, which is the canonical convention, so the counts carry over as is.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function usageToCanonical(value: unknown): Usage | undefined {
  const usage = obj(value);
  if (!usage) return undefined;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const out: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const cached = num(obj(usage.input_tokens_details)?.cached_tokens);
  if (cached !== undefined) out.cacheReadTokens = cached;
  const reasoning = num(obj(usage.output_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}

/**
 * Canonical usage as Responses `usage`. Both detail objects are always present because the OpenAI SDK
 * types declare them required. Cache writes have no Responses counterpart and are dropped.
 */
export function usageFromCanonical(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The usage of a non-stream Responses body (`response` object), in canonical form. */
export function readUsage(body: Record<string, unknown>): Usage | undefined {
  return usageToCanonical(body.usage);
}
