import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../canonical.js';
import { createStreamEncoder } from './encode-stream.js';
import { decodeAll, fixture, sseEvents } from './fixtures.test-helpers.js';

/** Feeds SSE text to the official SDK (no network) and returns its accumulated final message. */
async function sdkFinalMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: 'x',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.messages
    .stream({ model: 'test-model', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] })
    .finalMessage();
}

function encodeAll(parts: StreamPart[], error?: Parameters<ReturnType<typeof createStreamEncoder>['end']>[0]) {
  const encoder = createStreamEncoder();
  let out = '';
  for (const part of parts) out += encoder.encode(part);
  return out + encoder.end(error);
}

const TOOL_AND_THINKING: StreamPart[] = [
  { type: 'start', id: 'msg_1', model: 'claude-x', usage: { inputTokens: 30, outputTokens: 1, cacheReadTokens: 20 } },
  { type: 'reasoning-delta', text: 'Let me ', origin: 'anthropic' },
  { type: 'reasoning-delta', text: 'think.', origin: 'anthropic' },
  { type: 'reasoning-signature', signature: 'sig-abc', origin: 'anthropic' },
  { type: 'text-delta', text: 'Checking' },
  { type: 'text-delta', text: ' now.' },
  { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'finish', finishReason: 'tool_calls' },
  { type: 'usage', usage: { inputTokens: 30, outputTokens: 42, cacheReadTokens: 20 } },
];

describe('anthropic-messages stream encoder', () => {
  it('emits the exact grammar: start, indexed blocks, message_delta, message_stop; event names match types', () => {
    const sse = encodeAll(TOOL_AND_THINKING);
    const events = sseEvents(sse);
    for (const event of events) expect(JSON.parse(event.data).type).toBe(event.event);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const indexes = events.filter((e) => e.event === 'content_block_start').map((e) => JSON.parse(e.data).index);
    expect(indexes).toEqual([0, 1, 2]);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 1 },
      },
    });
  });

  it('is accepted by the official SDK: text, thinking + signature, tool input, stop reason, usage', async () => {
    const message = await sdkFinalMessage(encodeAll(TOOL_AND_THINKING));
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig-abc' },
      { type: 'text', text: 'Checking now.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 42 });
  });

  it('tags foreign signatures and keeps two thinking blocks apart', async () => {
    const message = await sdkFinalMessage(
      encodeAll([
        { type: 'reasoning-delta', text: 'a', origin: 'gemini' },
        { type: 'reasoning-signature', signature: 'g1', origin: 'gemini' },
        { type: 'reasoning-delta', text: 'b', origin: 'gemini' },
        { type: 'block-end' },
        { type: 'reasoning-redacted', data: 'opaque' },
        { type: 'text-delta', text: 'ok' },
        { type: 'finish', finishReason: 'stop_sequence', stopSequence: '###' },
      ]),
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'a', signature: 'sy1:gemini:g1' },
      { type: 'thinking', thinking: 'b', signature: '' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'ok' },
    ]);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('###');
    expect(message.id).toMatch(/^msg_/);
  });

  it('ends an unfinished stream with an error event the SDK raises', async () => {
    const sse = encodeAll([{ type: 'text-delta', text: 'partial' }], {
      status: 502,
      kind: 'upstream_error',
      message: 'The upstream stream ended early',
    });
    expect(sse).toContain(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The upstream stream ended early"}}\n\n',
    );
    expect(sse).not.toContain('message_stop');
    await expect(sdkFinalMessage(sse)).rejects.toThrow(/ended early/);
  });

  it('re-encodes the documented streams so the SDK reads the same message as from the original', async () => {
    for (const name of ['basic.stream.txt', 'tool-use.stream.txt']) {
      const original = fixture(name);
      const { parts } = decodeAll(original);
      const expected = await sdkFinalMessage(original);
      const actual = await sdkFinalMessage(encodeAll(parts));
      expect(actual).toEqual(expected);
    }
  });

  it('re-encodes the documented thinking stream (which the SDK cannot read as is: it has no usage)', async () => {
    const { parts } = decodeAll(fixture('thinking.stream.txt'));
    const message = await sdkFinalMessage(encodeAll(parts));
    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: expect.stringContaining('6. 10,800 + 1,350 + 81 = 12,231'),
        signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...',
      },
      { type: 'text', text: '27 * 453 = 12,231' },
    ]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('produces the same bytes however the text is chunked', () => {
    const whole = encodeAll([
      { type: 'start', id: 'msg_1', model: 'm' },
      { type: 'text-delta', text: 'Hello world' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 2 } },
    ]);
    const chunked = encodeAll([
      { type: 'start', id: 'msg_1', model: 'm' },
      ...'Hello world'.split('').map((text): StreamPart => ({ type: 'text-delta', text })),
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 2 } },
    ]);
    const text = (sse: string) =>
      sseEvents(sse)
        .map((e) => JSON.parse(e.data))
        .filter((d) => d.type === 'content_block_delta')
        .map((d) => d.delta.text)
        .join('');
    expect(text(chunked)).toBe(text(whole));
    const shape = (sse: string) => sseEvents(sse).filter((e) => e.event !== 'content_block_delta');
    expect(shape(chunked)).toEqual(shape(whole));
  });

  it('passes pings and upstream errors through', () => {
    const encoder = createStreamEncoder();
    expect(encoder.encode({ type: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(encoder.encode({ type: 'error', error: { status: 429, kind: 'rate_limited', message: 'slow down' } })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n',
    );
    expect(encoder.end()).toBe('');
  });

  it('writes every delta as the exact JSON of its event, whatever the text holds', () => {
    const event = (index: number, delta: Record<string, string>) =>
      `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index, delta })}\n\n`;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (text) => {
        const encoder = createStreamEncoder();
        encoder.encode({ type: 'start', id: 'msg_1', model: 'm' });
        const textOut = encoder.encode({ type: 'text-delta', text });
        expect(textOut.slice(textOut.indexOf('event: content_block_delta'))).toBe(
          event(0, { type: 'text_delta', text }),
        );
        const thinking = encoder.encode({ type: 'reasoning-delta', text });
        expect(thinking.slice(thinking.indexOf('event: content_block_delta'))).toBe(
          event(1, { type: 'thinking_delta', thinking: text }),
        );
        encoder.encode({ type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'f' });
        expect(encoder.encode({ type: 'tool-call-delta', index: 0, argumentsDelta: text })).toBe(
          event(2, { type: 'input_json_delta', partial_json: text }),
        );
      }),
    );
  });
});
