import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical.js';
import { anthropicMessagesCodec as codec } from './index.js';

const toAnthropic = (request: CanonicalRequest, targetProvider = 'anthropic', foreignThinking?: 'text') =>
  codec.requestFromCanonical(request, foreignThinking ? { targetProvider, foreignThinking } : { targetProvider });

describe('anthropic-messages requests', () => {
  it('hoists mid-conversation system messages, merges same-role turns, defaults max_tokens', () => {
    const { value, warnings } = toAnthropic({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a' }] },
        { role: 'user', content: [{ type: 'text', text: 'b' }] },
        { role: 'system', content: [{ type: 'text', text: 'be brief' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: 'f', arguments: '{"x":1}' }] },
        { role: 'user', content: [{ type: 'text', text: 'and?' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', content: 'done' }] },
      ],
      seed: 1,
    });
    expect(value).toEqual({
      max_tokens: 4096,
      system: 'be brief',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { x: 1 } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'done' },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
    });
    expect(warnings.map((w) => w.code)).toEqual(['system-hoisted', 'unsupported-setting']);
  });

  const foreign: CanonicalRequest = {
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'gemini thought', signature: 'g-sig', origin: 'gemini' },
          { type: 'reasoning', text: 'unsigned thought' },
          { type: 'reasoning', text: 'mine', signature: 'a-sig', origin: 'anthropic' },
          { type: 'text', text: 'answer' },
        ],
      },
    ],
  };

  it('never sends foreign or unsigned thinking to Anthropic: dropped by default', () => {
    const { value, warnings } = toAnthropic(foreign);
    expect((value.messages as Array<{ content: unknown }>)[1]?.content).toEqual([
      { type: 'thinking', thinking: 'mine', signature: 'a-sig' },
      { type: 'text', text: 'answer' },
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['foreign-thinking-dropped', 'foreign-thinking-dropped']);
  });

  it('turns foreign thinking into text on request', () => {
    const { value } = toAnthropic(foreign, 'claude', 'text');
    expect((value.messages as Array<{ content: unknown }>)[1]?.content).toEqual([
      { type: 'text', text: 'gemini thought' },
      { type: 'text', text: 'unsigned thought' },
      { type: 'thinking', thinking: 'mine', signature: 'a-sig' },
      { type: 'text', text: 'answer' },
    ]);
  });

  it('keeps tagged signatures for a non-Anthropic target (the mock)', () => {
    const { value } = toAnthropic(foreign, 'mock');
    expect((value.messages as Array<{ content: unknown[] }>)[1]?.content[0]).toEqual({
      type: 'thinking',
      thinking: 'gemini thought',
      signature: 'sy1:gemini:g-sig',
    });
    // ...and reading it back restores the origin.
    const again = codec.requestToCanonical(value);
    expect(again.value.messages[1]?.content[0]).toMatchObject({ signature: 'g-sig', origin: 'gemini' });
  });

  it('maps effort to a thinking budget, tool choice, and a JSON schema to structured outputs', () => {
    const { value, warnings } = toAnthropic({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }],
      reasoning: { enabled: true, effort: 'low' },
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      toolChoice: { type: 'auto' },
      responseFormat: { type: 'json', schema: { type: 'object', properties: { a: { type: 'string' } } } },
      presencePenalty: 1,
      user: 'u1',
      stopSequences: ['x'],
    });
    expect(value.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(value.max_tokens).toBe(2048 + 4096);
    expect(value.tool_choice).toEqual({ type: 'auto' });
    expect(value.metadata).toEqual({ user_id: 'u1' });
    expect(value.stop_sequences).toEqual(['x']);
    expect(value.system).toBeUndefined();
    expect(value.output_config).toEqual({
      format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } },
    });
    expect(warnings.map((w) => w.code)).toEqual(['unsupported-setting']);
    // JSON without a schema has no Anthropic switch: it is asked for in the system prompt.
    const plain = toAnthropic({ messages: [], responseFormat: { type: 'json' } });
    expect(plain.value.system).toEqual([{ type: 'text', text: expect.stringContaining('valid JSON') }]);
    expect(plain.warnings.map((w) => w.code)).toEqual(['response-format-emulated']);
    expect(toAnthropic({ messages: [], reasoning: { enabled: false } }).value.thinking).toEqual({ type: 'disabled' });
  });
});
