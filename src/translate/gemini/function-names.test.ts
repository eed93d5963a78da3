import { describe, expect, it } from 'vitest';
import { restoreFunctionName, sanitizeFunctionName } from './function-names.js';

describe('function names', () => {
  it('sanitises deterministically and restores from the declared names', () => {
    expect(sanitizeFunctionName('get_weather')).toBe('get_weather');
    expect(sanitizeFunctionName('1tool')).toBe('_1tool');
    const long = `mcp__server__${'x'.repeat(80)}`;
    const clean = sanitizeFunctionName(long);
    expect(clean).toHaveLength(64);
    expect(clean).toBe(sanitizeFunctionName(long));
    expect(restoreFunctionName(clean, ['other', long])).toBe(long);
    expect(restoreFunctionName('unknown', ['a'])).toBe('unknown');
  });
});
