import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical.js';
import { requestFromCanonical } from './request-from-canonical.js';

const PNG = 'iVBORw0KGgo=';

describe('openai-responses requestFromCanonical', () => {
  it('writes foreign requests: leading system prompt as instructions, non-strict tools, encrypted reasoning', () => {
    const request: CanonicalRequest = {
      model: 'gpt-5',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Sys' }] },
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', mediaType: 'image/png', data: PNG } }] },
      ],
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      toolChoice: { type: 'required' },
      reasoning: { enabled: true, budgetTokens: 3000 },
      stopSequences: ['END'],
      topK: 3,
    };
    const { value, warnings } = requestFromCanonical(request, { targetProvider: 'openai' });
    expect(value).toEqual({
      model: 'gpt-5',
      instructions: 'Sys',
      input: [
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' }],
        },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }],
      tool_choice: 'required',
      reasoning: { effort: 'medium' },
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining('stop sequences'),
      expect.stringContaining('top_k'),
    ]);
  });

  it('never sends reasoning from another family as a reasoning item', () => {
    const request: CanonicalRequest = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Claude thinks', signature: 'sig', origin: 'anthropic' },
            { type: 'reasoning', text: 'OpenAI summary', origin: 'openai', id: 'rs_x' },
            { type: 'reasoning', text: 'Mine', signature: 'enc', origin: 'openai', id: 'rs_y' },
            { type: 'text', text: 'A' },
          ],
        },
      ],
    };
    const dropped = requestFromCanonical(request, { targetProvider: 'openai' });
    expect(dropped.value.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Q' }] },
      // The unsigned OpenAI item is dropped without harm; only OpenAI's own encrypted item is replayed.
      { type: 'reasoning', id: 'rs_y', summary: [{ type: 'summary_text', text: 'Mine' }], encrypted_content: 'enc' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A', annotations: [] }] },
    ]);
    expect(dropped.warnings.map((warning) => warning.code)).toEqual(['foreign-thinking-dropped']);

    const asText = requestFromCanonical(request, { targetProvider: 'openai', foreignThinking: 'text' });
    expect(asText.value.input).toContainEqual({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Claude thinks', annotations: [] }],
    });
    expect(asText.warnings.map((warning) => warning.code)).toEqual(['foreign-thinking-as-text']);

    // An OpenAI-compatible service is not OpenAI: even OpenAI's encrypted reasoning is not replayed to it.
    const compat = requestFromCanonical(request, { targetProvider: 'mock' });
    expect((compat.value.input as Array<{ type: string }>).filter((item) => item.type === 'reasoning')).toEqual([]);
  });
});
