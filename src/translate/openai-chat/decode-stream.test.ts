/// <reference types="vite/client" />
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import azureFilteredSse from '../../../test/fixtures/azure-openai/filtered-completion.stream.txt?raw';
import azureTextSse from '../../../test/fixtures/azure-openai/text.stream.txt?raw';
import errorSse from '../../../test/fixtures/openai-chat/error.stream.txt?raw';
import reasoningSse from '../../../test/fixtures/openai-chat/reasoning.stream.txt?raw';
import textSse from '../../../test/fixtures/openai-chat/text.stream.txt?raw';
import toolSse from '../../../test/fixtures/openai-chat/tool-calls.stream.txt?raw';
import type { StreamPart } from '../canonical.js';
import { createStreamDecoder } from './decode-stream.js';

/** Replays SSE text through a fresh decoder, `split` bytes at a time, as the stream converter does. */
function decode(sse: string, split = sse.length): { parts: StreamPart[]; done: boolean } {
  const decoder = createStreamDecoder();
  const parts: StreamPart[] = [];
  const parser = createParser({ onEvent: (event) => parts.push(...decoder.event({ data: event.data })) });
  for (let i = 0; i < sse.length; i += split) parser.feed(sse.slice(i, i + split));
  return { parts, done: decoder.done };
}

describe('openai-chat stream decoder', () => {
  it("skips Azure's content filter annotation frames: no start from the empty-id prompt frame, no junk parts", () => {
    for (const split of [azureTextSse.length, 5]) {
      const { parts, done } = decode(azureTextSse, split);
      expect(done).toBe(true);
      expect(parts).toEqual([
        {
          type: 'start',
          id: 'chatcmpl-AD4p0yTtPgGi6hJ2QfPmPsRGfT8Ai',
          model: 'gpt-4o-2024-08-06',
          created: 1727804212,
        },
        { type: 'text-delta', text: 'Hello' },
        { type: 'text-delta', text: ' there' },
        { type: 'finish', finishReason: 'stop' },
        { type: 'usage', usage: { inputTokens: 9, outputTokens: 2, cacheReadTokens: 0, reasoningTokens: 0 } },
      ]);
    }
  });

  it('finishes an Azure completion cut by the content filter with finish reason content_filter', () => {
    const { parts } = decode(azureFilteredSse);
    expect(parts).toEqual([
      { type: 'start', id: 'chatcmpl-AD4p0yTtPgGi6hJ2QfPmPsRGfT8Ai', model: 'gpt-4o-2024-08-06', created: 1727804212 },
      { type: 'text-delta', text: 'Sure,' },
      { type: 'finish', finishReason: 'content_filter' },
    ]);
  });

  it("decodes OpenAI's documented text stream with its usage chunk", () => {
    const { parts, done } = decode(textSse);
    expect(done).toBe(true);
    expect(parts).toEqual([
      { type: 'start', id: 'chatcmpl-123', model: 'gpt-4o-mini', created: 1694268190 },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '!' },
      { type: 'finish', finishReason: 'stop' },
      {
        type: 'usage',
        usage: { inputTokens: 9, outputTokens: 2, cacheReadTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('decodes a stream that opens with a tool call, two calls by index', () => {
    const { parts } = decode(toolSse, 7);
    expect(parts).toEqual([
      {
        type: 'start',
        id: 'chatcmpl-BQb0iSFzE1zz1OVhaqg3u2Yqn1Ezf',
        model: 'gpt-4.1-nano-2025-04-14',
        created: 1745678496,
      },
      { type: 'tool-call-start', index: 0, id: 'call_PieqNSej6kM9hgYbcQdbZSaC', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'location' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '":"Paris"}' },
      { type: 'tool-call-start', index: 1, id: 'call_Zx81kQ2wLmN0aB7cDeFgHiJk', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"tz":"CET"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', finishReason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 58, outputTokens: 31, cacheReadTokens: 0, reasoningTokens: 0 } },
    ]);
  });

  it('decodes DeepSeek reasoning_content deltas as plain reasoning, usage on the finish chunk', () => {
    const { parts } = decode(reasoningSse);
    expect(parts.slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'Compare the tenths' },
      { type: 'reasoning-delta', text: ': 1 < 8.' },
      { type: 'text-delta', text: '9.11 is smaller.' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 13, outputTokens: 30, cacheReadTokens: 0, reasoningTokens: 22 },
      },
    ]);
  });

  it('turns an error object inside the stream into an error part', () => {
    const { parts, done } = decode(errorSse);
    expect(done).toBe(true);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      error: {
        status: 502,
        kind: 'upstream_error',
        message: 'The server had an error while processing your request. Sorry about that!',
        providerCode: 'server_error',
      },
    });
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  it('reports malformed chunks as errors instead of throwing', () => {
    const decoder = createStreamDecoder();
    expect(decoder.event({ data: '{"id":' })).toEqual([
      {
        type: 'error',
        error: { status: 502, kind: 'upstream_error', message: 'Malformed chunk in the upstream stream' },
      },
    ]);
    expect(decoder.event({ data: '42' })[0]?.type).toBe('error');
    expect(decoder.done).toBe(false);
  });

  it('starts a new call when a compatible service reuses index 0 with a new id', () => {
    const decoder = createStreamDecoder();
    const chunk = (id: string, name: string) =>
      JSON.stringify({
        id: 'x',
        model: 'gemini-2.5-flash',
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '{}' } }] },
          },
        ],
      });
    const parts = [...decoder.event({ data: chunk('a', 'f') }), ...decoder.event({ data: chunk('b', 'g') })];
    parts.push(
      ...decoder.event({
        data: JSON.stringify({ id: 'x', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      }),
    );
    expect(parts.filter((p) => p.type !== 'start')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 1 },
      // `stop` after tool calls (Gemini's compat layer) still means the model wants the tools run.
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('reads streamed refusals as text and finishes with refusal', () => {
    const decoder = createStreamDecoder();
    const parts = [
      ...decoder.event({
        data: '{"id":"r","model":"gpt-4o","choices":[{"index":0,"delta":{"refusal":"I can\'t help."}}]}',
      }),
      ...decoder.event({
        data: '{"id":"r","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
      }),
    ];
    expect(parts.slice(1)).toEqual([
      { type: 'text-delta', text: "I can't help." },
      { type: 'finish', finishReason: 'refusal' },
    ]);
  });

  it('closes open tool calls when [DONE] comes without a finish_reason', () => {
    const decoder = createStreamDecoder();
    decoder.event({
      data: '{"id":"t","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f"}}]}}]}',
    });
    expect(decoder.event({ data: '[DONE]' })).toEqual([{ type: 'tool-call-end', index: 0 }]);
  });
});
