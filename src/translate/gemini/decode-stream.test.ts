import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../canonical.js';
import { createStreamDecoder } from './decode-stream.js';

const sse = (name: string) => readFileSync(new URL(`../../../test/fixtures/gemini/${name}`, import.meta.url), 'utf8');

/** Feeds `text` to a fresh decoder in the given pieces, as bytes would arrive from the network. */
function decode(pieces: string[]): { parts: StreamPart[]; done: boolean } {
  const decoder = createStreamDecoder();
  const parts: StreamPart[] = [];
  const parser = createParser({ onEvent: (event) => parts.push(...decoder.event({ data: event.data })) });
  for (const piece of pieces) parser.feed(piece);
  return { parts, done: decoder.done };
}

describe('gemini stream decoder', () => {
  it('decodes a text stream as Google sends it', () => {
    const { parts, done } = decode([sse('text.stream.txt')]);
    expect(done).toBe(true);
    expect(parts).toEqual([
      { type: 'start', id: 'mOxnaP2eFqeFqtsPgseA8QM', model: 'gemini-2.5-flash' },
      { type: 'text-delta', text: 'The' },
      { type: 'usage', usage: { inputTokens: 9, outputTokens: 1 } },
      { type: 'text-delta', text: ' sky is blue because of Rayleigh' },
      { type: 'usage', usage: { inputTokens: 9, outputTokens: 8 } },
      { type: 'text-delta', text: ' scattering.' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 52, reasoningTokens: 42 } },
    ]);
  });

  it('decodes thoughts, a signed function call and finish tool_calls', () => {
    const { parts, done } = decode([sse('thinking-function-call.stream.txt')]);
    expect(done).toBe(true);
    expect(parts).toEqual([
      { type: 'start', id: 'Kc1naMK1Bf-sz7IPwrrsuAk', model: 'gemini-2.5-pro' },
      {
        type: 'reasoning-delta',
        text: '**Checking the weather**\n\nThe user wants the weather in Paris.',
        origin: 'gemini',
      },
      { type: 'usage', usage: { inputTokens: 64, outputTokens: 0 } },
      { type: 'reasoning-signature', signature: 'CiIBVKhc7oDhXy5lj0Z6tFgSvqpp2ZR2mvGNMZXT', origin: 'gemini' },
      { type: 'block-end' },
      { type: 'tool-call-start', index: 0, id: 'gemini_call_Kc1naMK1Bf-sz7IPwrrsuAk_0', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Paris","unit":"celsius"}' },
      { type: 'tool-call-end', index: 0 },
      {
        type: 'finish',
        finishReason: 'tool_calls',
        usage: { inputTokens: 64, outputTokens: 148, reasoningTokens: 130 },
      },
    ]);
  });

  it('turns an error object in the stream into an error part, and is not done', () => {
    const { parts, done } = decode([sse('error.stream.txt')]);
    expect(done).toBe(false);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      error: {
        status: 503,
        kind: 'overloaded',
        providerCode: 'UNAVAILABLE',
        message: 'The model is overloaded. Please try again later.',
      },
    });
  });

  it('emits an error part, never throws, on malformed data', () => {
    const decoder = createStreamDecoder();
    expect(decoder.event({ data: '{not json' })).toEqual([
      {
        type: 'error',
        error: { status: 502, kind: 'upstream_error', message: 'Gemini sent a stream chunk that is not a JSON object' },
      },
    ]);
  });

  it('gives the same parts however the bytes are chunked', () => {
    const text =
      sse('thinking-function-call.stream.txt') + sse('text.stream.txt').replace(/"finishReason": "STOP",/, '');
    const whole = decode([text]).parts;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces: string[] = [];
        let at = 0;
        for (const p of points) {
          pieces.push(text.slice(at, p));
          at = p;
        }
        pieces.push(text.slice(at));
        expect(decode(pieces).parts).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
