import { describe, expect, it } from 'vitest';
import { jsonFixture } from './fixtures.test-helpers.js';
import { anthropicMessagesCodec as codec } from './index.js';

describe('anthropic-messages responses', () => {
  it('reads the documented tool-use response, usage including cache reads', () => {
    const { value } = codec.responseToCanonical(jsonFixture('tool-use.response.json'));
    expect(value).toMatchObject({
      id: 'msg_01Aq9w938a90dw8q',
      model: 'claude-sonnet-4-5',
      finishReason: 'tool_calls',
      content: [
        { type: 'text', text: "I'll check the current weather in San Francisco for you." },
        {
          type: 'tool-call',
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
        },
      ],
      usage: { inputTokens: 384 + 2048, outputTokens: 72, cacheReadTokens: 2048, cacheWriteTokens: 0 },
    });
    expect(codec.readUsage(jsonFixture('tool-use.response.json'))).toEqual(value.usage);
  });

  it('reads thinking with signature and redacted thinking', () => {
    const { value } = codec.responseToCanonical(jsonFixture('thinking.response.json'));
    expect(value.content.slice(0, 2)).toEqual([
      {
        type: 'reasoning',
        text: 'Let me analyze this step by step...',
        signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL....',
        origin: 'anthropic',
      },
      { type: 'reasoning', text: '', redactedData: expect.stringMatching(/^EmwKAhgB/), origin: 'anthropic' },
    ]);
    expect(value.finishReason).toBe('stop');
  });

  it.each(['tool-use.response.json', 'thinking.response.json'])('round-trips %s unchanged', (name) => {
    const body = jsonFixture(name);
    const back = codec.responseFromCanonical(codec.responseToCanonical(body).value);
    expect(back.value).toEqual(body);
  });

  it('renders a foreign response: tagged signature, stop reason, usage without cached input', () => {
    const { value } = codec.responseFromCanonical({
      id: 'chatcmpl-1',
      model: 'gpt-5',
      content: [
        { type: 'reasoning', text: 'hmm', signature: 'enc', origin: 'openai' },
        { type: 'text', text: 'hi' },
        { type: 'tool-call', id: 'call_1', name: 'f', arguments: '' },
      ],
      finishReason: 'length',
      usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 60, reasoningTokens: 5 },
    });
    expect(value).toEqual({
      id: 'chatcmpl-1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sy1:openai:enc' },
        { type: 'text', text: 'hi' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
      ],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: {
        input_tokens: 40,
        cache_read_input_tokens: 60,
        output_tokens: 20,
        output_tokens_details: { thinking_tokens: 5 },
      },
    });
  });

  it('tolerates odd provider output without throwing', () => {
    const { value, warnings } = codec.responseToCanonical({
      content: [{ type: 'tool_use' }, 'x', { type: 'web_search_tool_result' }],
      usage: 'n/a',
    });
    expect(value).toEqual({ id: '', model: '', content: [], finishReason: 'other' });
    expect(warnings).toHaveLength(2);
  });
});
