import type { Usage } from '../dialect.js';
import { type JsonObject, num, obj } from '../json.js';
import type { ConverseUsage } from './wire-types.js';

/**
 * Converse usage → canonical. Converse's `inputTokens` excludes cache reads and writes (they are
 * `cacheReadInputTokens` / `cacheWriteInputTokens`); canonical `inputTokens` counts all input, so the
 * three are summed. Undefined when `usage` is not an object.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 */
export function usageToCanonical(usage: unknown): Usage | undefined {
  const u = obj(usage);
  if (u === undefined) return undefined;
  const cacheRead = num(u.cacheReadInputTokens);
  const cacheWrite = num(u.cacheWriteInputTokens);
  const out: Usage = {
    inputTokens: (num(u.inputTokens) ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: num(u.outputTokens) ?? 0,
  };
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteTokens = cacheWrite;
  return out;
}

/** Canonical usage → Converse's `usage`: `inputTokens` without the cached tokens, `totalTokens` over all. */
export function usageFromCanonical(usage: Usage | undefined): ConverseUsage {
  if (usage === undefined) return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const cacheRead = usage.cacheReadTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const out: ConverseUsage = {
    inputTokens: Math.max(0, usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0)),
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.outputTokens,
  };
  if (cacheRead !== undefined) out.cacheReadInputTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteInputTokens = cacheWrite;
  return out;
}

/** Usage of a non-stream Converse answer, in canonical form. */
export function readUsage(body: JsonObject): Usage | undefined {
  return usageToCanonical(body.usage);
}
