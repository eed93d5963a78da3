/// <reference types="vite/client" />
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import reasoningSse from '../../../test/fixtures/openai-responses/reasoning.stream.txt?raw';
import textSse from '../../../test/fixtures/openai-responses/text.stream.txt?raw';
import type { StreamPart } from '../canonical.js';
import { createStreamDecoder } from './decode-stream.js';

/** Replays SSE text through a fresh decoder, `split` characters at a time. */
function decode(sse: string, split = sse.length): { parts: StreamPart[]; done: boolean } {
  const decoder = createStreamDecoder();
  const parts: StreamPart[] = [];
  const parser = createParser({
    onEvent: (event) =>
      parts.push(...decoder.event(event.event ? { event: event.event, data: event.data } : { data: event.data })),
  });
  for (let i = 0; i < sse.length; i += split) parser.feed(sse.slice(i, i + split));
  return { parts, done: decoder.done };
}

function sse(events: Array<Record<string, unknown>>): string {
  return events
    .map((event, i) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: i })}\n\n`)
    .join('');
}

describe('openai-responses stream decoder', () => {
  it("decodes OpenAI's documented text stream", () => {
    const { parts, done } = decode(textSse);
    expect(done).toBe(true);
    expect(parts[0]).toEqual({
      type: 'start',
      id: 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654',
      model: 'gpt-4.1-2025-04-14',
      created: 1741290958,
    });
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('Hi there! How can I assist you today?');
    expect(parts.slice(-2)).toEqual([
      { type: 'block-end' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 37, outputTokens: 11, cacheReadTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('decodes a reasoning summary, its encrypted content as an OpenAI signature, then the answer', () => {
    const { parts } = decode(reasoningSse);
    const kinds = parts.map((part) => part.type);
    expect(kinds).toEqual([
      'start',
      'reasoning-delta',
      'reasoning-delta',
      'reasoning-delta',
      'reasoning-signature',
      'block-end',
      'text-delta',
      'text-delta',
      'text-delta',
      'block-end',
      'finish',
    ]);
    expect(parts[4]).toEqual({
      type: 'reasoning-signature',
      signature: expect.stringMatching(/^gAAAAAB/),
      origin: 'openai',
    });
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 13, outputTokens: 212, cacheReadTokens: 0, reasoningTokens: 192 },
    });
  });

  it('gives the same parts however the bytes are chunked', () => {
    for (const fixture of [textSse, reasoningSse]) {
      const whole = decode(fixture).parts;
      for (const split of [1, 7, 64, 333]) expect(decode(fixture, split).parts).toEqual(whole);
    }
  });

  it('numbers function calls from 0 and ends with tool_calls', () => {
    const call = (n: number) => ({
      id: `fc_${n}`,
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
      call_id: `call_${n}`,
      name: 'get_weather',
    });
    const { parts, done } = decode(
      sse([
        { type: 'response.created', response: { id: 'resp_1', model: 'gpt-4.1', created_at: 1 } },
        { type: 'response.output_item.added', output_index: 0, item: call(0) },
        { type: 'response.function_call_arguments.delta', item_id: 'fc_0', output_index: 0, delta: '{"city":' },
        { type: 'response.function_call_arguments.delta', item_id: 'fc_0', output_index: 0, delta: '"Paris"}' },
        {
          type: 'response.function_call_arguments.done',
          item_id: 'fc_0',
          output_index: 0,
          arguments: '{"city":"Paris"}',
        },
        {
          type: 'response.output_item.done',
          output_index: 0,
          item: { ...call(0), arguments: '{"city":"Paris"}', status: 'completed' },
        },
        { type: 'response.output_item.added', output_index: 1, item: call(1) },
        // No deltas: the arguments only arrive on the done item.
        {
          type: 'response.output_item.done',
          output_index: 1,
          item: { ...call(1), arguments: '{}', status: 'completed' },
        },
        {
          type: 'response.completed',
          response: { id: 'resp_1', status: 'completed', usage: { input_tokens: 5, output_tokens: 7 } },
        },
      ]),
    );
    expect(done).toBe(true);
    expect(parts.slice(1)).toEqual([
      {
        type: 'tool-call-start',
        index: 0,
        id: 'call_0',
        name: 'get_weather',
        providerMetadata: { 'openai-responses': { itemId: 'fc_0' } },
      },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      {
        type: 'tool-call-start',
        index: 1,
        id: 'call_1',
        name: 'get_weather',
        providerMetadata: { 'openai-responses': { itemId: 'fc_1' } },
      },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 5, outputTokens: 7 } },
    ]);
  });

  it('maps response.incomplete to length and response.failed to an error', () => {
    const incomplete = decode(
      sse([
        {
          type: 'response.incomplete',
          response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
        },
      ]),
    );
    expect(incomplete.parts).toEqual([{ type: 'finish', finishReason: 'length' }]);
    const failed = decode(
      sse([
        { type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'boom' } } },
      ]),
    );
    expect(failed.done).toBe(true);
    expect(failed.parts).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({ kind: 'upstream_error', message: 'boom', providerCode: 'server_error' }),
      },
      { type: 'finish', finishReason: 'error' },
    ]);
  });

  it('reads the error event in its documented flat shape and in the nested shape OpenAI sends', () => {
    const flat = decode(sse([{ type: 'error', code: 'rate_limit_exceeded', message: 'Slow down', param: null }]));
    expect(flat.done).toBe(true);
    expect(flat.parts).toEqual([
      {
        type: 'error',
        error: { status: 429, kind: 'rate_limited', message: 'Slow down', providerCode: 'rate_limit_exceeded' },
      },
    ]);
    const nested = decode(
      sse([
        {
          type: 'error',
          error: { type: 'too_many_requests', code: 'too_many_requests', message: 'Too Many Requests', param: null },
        },
      ]),
    );
    expect(nested.parts[0]).toMatchObject({
      type: 'error',
      error: { kind: 'rate_limited', message: 'Too Many Requests' },
    });
  });

  it('reports malformed data as an error part instead of throwing', () => {
    const decoder = createStreamDecoder();
    expect(decoder.event({ data: '{not json' })).toEqual([
      { type: 'error', error: expect.objectContaining({ kind: 'upstream_error' }) },
    ]);
    expect(
      decoder.event({ event: 'response.output_item.done', data: '{"type":"response.output_item.done","item":7}' }),
    ).toEqual([]);
  });
});
