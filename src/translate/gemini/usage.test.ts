import { describe, expect, it } from 'vitest';
import { readUsage } from './usage.js';

describe('gemini usage', () => {
  it('readUsage reads usageMetadata', () => {
    expect(readUsage({ usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 } })).toEqual({
      inputTokens: 3,
      outputTokens: 4,
    });
    expect(readUsage({})).toBeUndefined();
  });
});
