import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../canonical.js';
import { createStreamDecoder } from './decode-stream.js';
import { decodeAll, fixture } from './fixtures.test-helpers.js';

describe('anthropic-messages stream decoder', () => {
  it('decodes the documented basic stream', () => {
    const { parts, done } = decodeAll(fixture('basic.stream.txt'));
    expect(done).toBe(true);
    expect(parts).toEqual([
      {
        type: 'start',
        id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
        model: 'claude-opus-4-1-20250805',
        usage: { inputTokens: 25, outputTokens: 1 },
      },
      { type: 'ping' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '!' },
      { type: 'block-end' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 25, outputTokens: 15 } },
    ]);
  });

  it('decodes the documented tool-use stream with tool indexes counted from 0', () => {
    const { parts } = decodeAll(fixture('tool-use.stream.txt'));
    const toolParts = parts.filter((p) => p.type.startsWith('tool-call'));
    expect(toolParts[0]).toEqual({
      type: 'tool-call-start',
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
    });
    const args = toolParts.map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(toolParts.at(-1)).toEqual({ type: 'tool-call-end', index: 0 });
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'tool_calls',
      usage: { inputTokens: 472, outputTokens: 89 },
    });
  });

  it('decodes thinking with its signature, origin anthropic', () => {
    const { parts } = decodeAll(fixture('thinking.stream.txt'));
    const thinking = parts
      .filter((p) => p.type === 'reasoning-delta')
      .map((p) => (p.type === 'reasoning-delta' ? p.text : ''))
      .join('');
    expect(thinking).toContain('10,800 + 1,350 + 81 = 12,231');
    expect(parts).toContainEqual({
      type: 'reasoning-signature',
      signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...',
      origin: 'anthropic',
    });
    expect(parts.filter((p) => p.type === 'block-end')).toHaveLength(2);
    // The documented thinking stream has no usage at all: the finish carries none.
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('untags a signature that came from another family', () => {
    const decoder = createStreamDecoder();
    decoder.event({
      data: '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}',
    });
    const parts = decoder.event({
      data: '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sy1:gemini:abc"}}',
    });
    expect(parts).toEqual([{ type: 'reasoning-signature', signature: 'abc', origin: 'gemini' }]);
  });

  it('decodes redacted thinking, cache usage and restated usage in message_delta', () => {
    const decoder = createStreamDecoder();
    const all = [
      '{"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":1}}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"xyz"}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"input_tokens":12,"output_tokens":7}}',
    ].flatMap((data) => decoder.event({ data }));
    expect(all).toEqual([
      {
        type: 'start',
        id: 'm',
        model: 'c',
        usage: { inputTokens: 115, outputTokens: 1, cacheReadTokens: 100, cacheWriteTokens: 5 },
      },
      { type: 'reasoning-redacted', data: 'xyz' },
      { type: 'block-end' },
      {
        type: 'finish',
        finishReason: 'stop_sequence',
        stopSequence: 'END',
        usage: { inputTokens: 117, outputTokens: 7, cacheReadTokens: 100, cacheWriteTokens: 5 },
      },
    ]);
  });

  it('turns an error event into an error part and bad data into an upstream error', () => {
    const { parts, done } = decodeAll(fixture('overloaded.stream.txt'));
    expect(done).toBe(false);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      error: { status: 529, kind: 'overloaded', message: 'Overloaded', providerCode: 'overloaded_error' },
    });
    const decoder = createStreamDecoder();
    expect(decoder.event({ event: 'message_start', data: '{not json' })[0]).toMatchObject({
      type: 'error',
      error: { kind: 'upstream_error' },
    });
  });

  it('ignores unknown events and server tool blocks', () => {
    const decoder = createStreamDecoder();
    expect(decoder.event({ data: '{"type":"brand_new_event"}' })).toEqual([]);
    decoder.event({
      data: '{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"s","name":"web_search","input":{}}}',
    });
    expect(
      decoder.event({
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{"}}',
      }),
    ).toEqual([]);
    expect(decoder.event({ data: '{"type":"content_block_stop","index":0}' })).toEqual([]);
  });

  it('decodes the same parts however the bytes are chunked', () => {
    const text = fixture('tool-use.stream.txt') + fixture('thinking.stream.txt');
    const whole = decodeAll(text).parts;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 40 }), (cuts) => {
        const decoder = createStreamDecoder();
        const parts: StreamPart[] = [];
        const parser = createParser({
          onEvent: (e) =>
            parts.push(...decoder.event(e.event === undefined ? { data: e.data } : { event: e.event, data: e.data })),
        });
        let at = 0;
        for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
          parser.feed(text.slice(at, cut));
          at = cut;
        }
        parser.feed(text.slice(at));
        expect(parts).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
