import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical.js';
import { requestFromCanonical } from './request-from-canonical.js';

describe('canonical request → openai-chat', () => {
  const signed: CanonicalRequest = {
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'claude thinks', signature: 'sig', origin: 'anthropic' },
          { type: 'reasoning', text: '', redactedData: 'xx', origin: 'anthropic' },
          { type: 'reasoning', text: 'plain thoughts' },
          { type: 'text', text: 'hello' },
        ],
      },
    ],
    maxOutputTokens: 100,
    topK: 40,
    reasoning: { enabled: true, budgetTokens: 3000 },
    stream: true,
  };

  it('drops signed and plain thinking for OpenAI, with warnings, and writes its parameter names', () => {
    const { value, warnings } = requestFromCanonical(signed, { targetProvider: 'openai' });
    expect(value).toEqual({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
      max_completion_tokens: 100,
      reasoning_effort: 'medium',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(warnings.map((w) => w.code)).toEqual([
      'foreign-thinking-dropped',
      'foreign-thinking-dropped',
      'reasoning-dropped',
      'unsupported-setting',
    ]);
  });

  it('sends plain thinking as reasoning_content to compatible services, and max_tokens, top_k', () => {
    const { value, warnings } = requestFromCanonical(signed, { targetProvider: 'deepseek' });
    expect(value).toMatchObject({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello', reasoning_content: 'plain thoughts' },
      ],
      max_tokens: 100,
      top_k: 40,
    });
    expect(warnings.map((w) => w.code)).toEqual(['foreign-thinking-dropped', 'foreign-thinking-dropped']);
  });

  it("turns signed thinking into text with foreignThinking: 'text'", () => {
    const { value, warnings } = requestFromCanonical(signed, { targetProvider: 'openai', foreignThinking: 'text' });
    expect((value.messages as unknown[])[1]).toEqual({ role: 'assistant', content: 'claude thinkshello' });
    expect(warnings.map((w) => w.code)).toContain('foreign-thinking-as-text');
  });

  it('writes multi-part tool results, drops what Chat cannot hold, and a plain JSON response format', () => {
    const { value, warnings } = requestFromCanonical(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'file', source: { type: 'url', url: 'https://x/y.pdf' }, mediaType: 'application/pdf' },
              { type: 'file', source: { type: 'base64', mediaType: 'audio/mpeg', data: 'AA==' } },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 't1',
                isError: true,
                content: [
                  { type: 'text', text: 'x' },
                  { type: 'image', source: { type: 'url', url: 'https://x/i.png' } },
                ],
              },
              { type: 'tool-result', toolCallId: 't2', content: 'y' },
            ],
          },
        ],
        toolChoice: { type: 'required' },
        responseFormat: { type: 'json' },
        stream: true,
        includeUsage: false,
      },
      {},
    );
    expect(value).toEqual({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'input_audio', input_audio: { data: 'AA==', format: 'mp3' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'x' },
        { role: 'tool', tool_call_id: 't2', content: 'y' },
      ],
      tool_choice: 'required',
      response_format: { type: 'json_object' },
      stream: true,
      stream_options: { include_usage: false },
    });
    expect(warnings.map((w) => w.code)).toEqual(['dropped-content', 'dropped-content', 'unsupported-setting']);
  });
});
