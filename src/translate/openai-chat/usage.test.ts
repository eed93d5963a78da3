import { describe, expect, it } from 'vitest';
import { usageFromCanonical, usageToCanonical } from './usage.js';

describe('openai-chat usage', () => {
  it('reads cached and reasoning tokens, which prompt / completion tokens already include', () => {
    expect(
      usageToCanonical({
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920 },
        completion_tokens_details: { reasoning_tokens: 192 },
      }),
    ).toEqual({ inputTokens: 2006, outputTokens: 300, cacheReadTokens: 1920, reasoningTokens: 192 });
  });

  it("reads DeepSeek's prompt_cache_hit_tokens and ignores what is not usage", () => {
    expect(usageToCanonical({ prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 8 })).toEqual({
      inputTokens: 10,
      outputTokens: 2,
      cacheReadTokens: 8,
    });
    expect(usageToCanonical(null)).toBeUndefined();
    expect(usageToCanonical({ total_tokens: 3 })).toBeUndefined();
  });

  it('keeps cache writes inside prompt_tokens, as canonical inputTokens already does', () => {
    expect(
      usageFromCanonical({ inputTokens: 1200, outputTokens: 80, cacheReadTokens: 1000, cacheWriteTokens: 150 }),
    ).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 80,
      total_tokens: 1280,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});
