import { EventStreamCodec, Int64 } from '@smithy/eventstream-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEventStreamDecoder,
  EventStreamError,
  type EventStreamMessage,
  encodeEventStreamMessage,
} from './event-stream.js';

const utf8 = new TextEncoder();
const text = new TextDecoder();
const smithy = new EventStreamCodec(
  (bytes) => text.decode(bytes),
  (s) => utf8.encode(s),
);

const bedrockHeaders = { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' };

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the range). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

function decodeAll(chunks: Uint8Array[]): EventStreamMessage[] {
  const decoder = createEventStreamDecoder();
  const out = chunks.flatMap((c) => decoder.push(c));
  decoder.end();
  return out;
}

describe('event-stream decoder', () => {
  it('decodes what @smithy/eventstream-codec encodes, with every header type', () => {
    const bytes = smithy.encode({
      headers: {
        ':event-type': { type: 'string', value: 'contentBlockDelta' },
        yes: { type: 'boolean', value: true },
        no: { type: 'boolean', value: false },
        b: { type: 'byte', value: -7 },
        s: { type: 'short', value: 30_000 },
        i: { type: 'integer', value: -2_000_000_000 },
        l: { type: 'long', value: Int64.fromNumber(-1234567890123) },
        bin: { type: 'binary', value: Uint8Array.from([0, 255, 7]) },
        t: { type: 'timestamp', value: new Date(1_700_000_000_123) },
        u: { type: 'uuid', value: 'a1b2c3d4-0000-4111-8222-123456789abc' },
      },
      body: utf8.encode('{"delta":{"text":"hé"}}'),
    });
    const [message] = decodeAll([bytes]);
    expect(message!.headers).toEqual({
      ':event-type': { type: 'string', value: 'contentBlockDelta' },
      yes: { type: 'boolean', value: true },
      no: { type: 'boolean', value: false },
      b: { type: 'byte', value: -7 },
      s: { type: 'short', value: 30_000 },
      i: { type: 'integer', value: -2_000_000_000 },
      l: { type: 'long', value: -1234567890123n },
      bin: { type: 'binary', value: Uint8Array.from([0, 255, 7]) },
      t: { type: 'timestamp', value: new Date(1_700_000_000_123) },
      u: { type: 'uuid', value: 'a1b2c3d4-0000-4111-8222-123456789abc' },
    });
    expect(text.decode(message!.body)).toBe('{"delta":{"text":"hé"}}');
  });

  it('encodes what @smithy/eventstream-codec decodes, byte for byte the same', () => {
    const body = utf8.encode('{"bytes":"eyJ0eXBlIjoicGluZyJ9"}');
    const ours = encodeEventStreamMessage(bedrockHeaders, body);
    const theirs = smithy.encode({
      headers: Object.fromEntries(
        Object.entries(bedrockHeaders).map(([k, v]) => [k, { type: 'string' as const, value: v }]),
      ),
      body,
    });
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    const decoded = smithy.decode(ours);
    expect(decoded.headers[':event-type']).toEqual({ type: 'string', value: 'chunk' });
    expect(text.decode(decoded.body)).toBe('{"bytes":"eyJ0eXBlIjoicGluZyJ9"}');
  });

  it('decodes any sequence of frames split at any byte boundaries (property)', () => {
    const messageArb = fc.record({
      event: fc.string({ minLength: 1, maxLength: 30 }),
      body: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, cuts) => {
          const frames = messages.map((m) =>
            smithy.encode({ headers: { ':event-type': { type: 'string', value: m.event } }, body: m.body }),
          );
          const decoded = decodeAll(split(concat(frames), cuts));
          expect(decoded.map((d) => d.headers[':event-type']?.value)).toEqual(messages.map((m) => m.event));
          expect(decoded.map((d) => [...d.body])).toEqual(messages.map((m) => [...m.body]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes one byte at a time', () => {
    const frames = [
      encodeEventStreamMessage(bedrockHeaders, utf8.encode('{"a":1}')),
      encodeEventStreamMessage(bedrockHeaders, utf8.encode('')),
    ];
    const bytes = concat(frames);
    const decoded = decodeAll([...bytes].map((b) => Uint8Array.of(b)));
    expect(decoded.map((d) => text.decode(d.body))).toEqual(['{"a":1}', '']);
  });

  it('fails on a flipped bit anywhere in a frame, and stays failed (property)', () => {
    const frame = encodeEventStreamMessage(bedrockHeaders, utf8.encode('{"bytes":"e30="}'));
    fc.assert(
      fc.property(fc.nat({ max: frame.length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
        const bad = Uint8Array.from(frame);
        bad[at] = bad[at]! ^ (1 << bit);
        const decoder = createEventStreamDecoder();
        // A bad length may first look like "wait for more"; the end of the stream then fails it.
        expect(() => {
          decoder.push(bad);
          decoder.end();
        }).toThrow(EventStreamError);
        expect(() => decoder.push(frame)).toThrow(EventStreamError);
      }),
      { numRuns: 300 },
    );
  });

  it('fails a stream that ends inside a frame', () => {
    const frame = encodeEventStreamMessage(bedrockHeaders, utf8.encode('{}'));
    const decoder = createEventStreamDecoder();
    expect(decoder.push(frame.subarray(0, frame.length - 3))).toEqual([]);
    expect(() => decoder.end()).toThrow(/ended inside a message/);
  });

  it('refuses a prelude that claims more than the limit, without waiting for the bytes', () => {
    const frame = Buffer.from(encodeEventStreamMessage(bedrockHeaders, new Uint8Array(100)));
    const decoder = createEventStreamDecoder({ maxMessageBytes: 64 });
    expect(() => decoder.push(frame.subarray(0, 12))).toThrow(/out of range/);
  });
});
