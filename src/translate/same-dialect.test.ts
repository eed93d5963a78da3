import { describe, expect, it } from 'vitest';
import { translateRequest } from './translate.js';

describe('translateRequest within one dialect', () => {
  const history = (signature: string) => ({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: [
      { role: 'user', content: 'What is 2+2?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Add them.', signature },
          { type: 'text', text: '4' },
        ],
      },
      { role: 'user', content: 'And 3+3?' },
    ],
  });

  it('passes an Anthropic body through untouched (same object) when its signatures are Anthropic’s own', () => {
    const body = history('EqQBCkYIBxgCKkBsig');
    const out = translateRequest({
      from: 'anthropic-messages',
      to: 'anthropic-messages',
      body,
      options: { targetProvider: 'anthropic' },
    });
    expect(out.value).toBe(body);
  });

  it('drops a thinking block that came from Gemini before replaying the history to Anthropic', () => {
    const body = history('sy1:gemini:CiQB0e2Kb');
    const out = translateRequest({
      from: 'anthropic-messages',
      to: 'anthropic-messages',
      body,
      options: { targetProvider: 'anthropic' },
    });
    const assistant = (out.value.messages as Array<{ role: string; content: unknown }>).find(
      (m) => m.role === 'assistant',
    );
    expect(JSON.stringify(assistant)).not.toContain('sy1:');
    expect(JSON.stringify(assistant)).toMatch(/"(text|content)":"4"/);
    expect(out.warnings.length).toBeGreaterThan(0);
  });
});
