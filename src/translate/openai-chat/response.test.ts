import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import reasoning from '../../../test/fixtures/openai-chat/reasoning-cached.response.json' with { type: 'json' };
import text from '../../../test/fixtures/openai-chat/text.response.json' with { type: 'json' };
import tools from '../../../test/fixtures/openai-chat/tool-calls.response.json' with { type: 'json' };
import type { CanonicalResponse } from '../canonical.js';
import { responseFromCanonical, responseToCanonical } from './response.js';
import { readUsage } from './usage.js';

describe('openai-chat response', () => {
  it("reads OpenAI's documented text response", () => {
    expect(responseToCanonical(structuredClone(text))).toEqual({
      value: {
        id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
        model: 'gpt-4.1-2025-04-14',
        created: 1741569952,
        content: [{ type: 'text', text: 'Hello! How can I assist you today?' }],
        finishReason: 'stop',
        usage: { inputTokens: 19, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0 },
        providerMetadata: { 'openai-chat': { service_tier: 'default', annotations: [] } },
      },
      warnings: [],
    });
  });

  it('reads tool calls, reasoning_content and cached / reasoning tokens', () => {
    expect(responseToCanonical(structuredClone(tools)).value).toMatchObject({
      content: [
        {
          type: 'tool-call',
          id: 'call_abc123',
          name: 'get_current_weather',
          arguments: '{\n"location": "Boston, MA"\n}',
        },
      ],
      finishReason: 'tool_calls',
    });
    const value = responseToCanonical(structuredClone(reasoning)).value;
    expect(value.content).toEqual([
      { type: 'reasoning', text: 'Compare the tenths: 1 < 8, so 9.11 < 9.8.' },
      { type: 'text', text: '9.11 is smaller than 9.8.' },
    ]);
    // prompt_tokens already counts the cached ones; completion_tokens the reasoning ones.
    expect(readUsage(structuredClone(reasoning))).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      cacheReadTokens: 1920,
      reasoningTokens: 192,
    });
  });

  it.each([
    ['text', text],
    ['tool calls', tools],
    ['reasoning', reasoning],
  ])('round-trips the %s response', (_, body) => {
    const back = responseFromCanonical(responseToCanonical(structuredClone(body)).value).value;
    const canonical = responseToCanonical(back).value;
    const original = responseToCanonical(structuredClone(body)).value;
    // Chat always states cached_tokens, so a usage that did not comes back with 0.
    expect(canonical).toEqual({ ...original, usage: { cacheReadTokens: 0, ...original.usage } });
    expect(back).toMatchObject({ id: body.id, object: 'chat.completion', created: body.created, model: body.model });
  });

  it('renders a canonical Anthropic-style answer that the openai SDK parses', async () => {
    const canonical: CanonicalResponse = {
      id: 'msg_01',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'reasoning', text: 'hmm', signature: 'sig', origin: 'anthropic' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      finishReason: 'tool_calls',
      usage: { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 1000, cacheWriteTokens: 150 },
    };
    const { value, warnings } = responseFromCanonical(canonical);
    expect(warnings.map((w) => w.code)).toEqual(['reasoning-signature-dropped']);
    const client = new OpenAI({
      apiKey: 'x',
      fetch: async () => Response.json(value),
    });
    const completion = await client.chat.completions.create({ model: 'm', messages: [] });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'hmm',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 80,
      total_tokens: 1280,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('marks refusals and keeps only the first choice, with a warning', () => {
    const { value, warnings } = responseToCanonical({
      id: 'r',
      model: 'gpt-4o',
      choices: [
        { index: 0, message: { role: 'assistant', content: null, refusal: 'No.' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'Yes.' }, finish_reason: 'stop' },
      ],
    });
    expect(value.finishReason).toBe('refusal');
    expect(value.content).toEqual([
      { type: 'text', text: 'No.', providerMetadata: { 'openai-chat': { refusal: true } } },
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['dropped-choices']);
    const back = responseFromCanonical(value).value as { choices: [{ message: unknown; finish_reason: string }] };
    expect(back.choices[0]).toMatchObject({ message: { content: null, refusal: 'No.' }, finish_reason: 'stop' });
  });

  it('reads a body without choices leniently', () => {
    expect(responseToCanonical({ id: 'x', choices: [] }).value).toMatchObject({ content: [], finishReason: 'other' });
    expect(readUsage({})).toBeUndefined();
  });
});
