import { crc32 } from 'node:zlib';

/**
 * One header value of an AWS event-stream message. Bedrock sends strings only (`:event-type`,
 * `:message-type`, `:content-type`, `:exception-type`); the other types are decoded so a frame that
 * carries them still parses.
 */
export type EventStreamHeaderValue =
  | { type: 'boolean'; value: boolean }
  | { type: 'byte' | 'short' | 'integer'; value: number }
  | { type: 'long'; value: bigint }
  | { type: 'binary'; value: Uint8Array }
  | { type: 'string'; value: string }
  | { type: 'timestamp'; value: Date }
  | { type: 'uuid'; value: string };

/** One decoded event-stream message. */
export interface EventStreamMessage {
  headers: Record<string, EventStreamHeaderValue>;
  body: Uint8Array;
}

/** A frame that is not valid event-stream framing: a bad length, a CRC mismatch, a truncated end. */
export class EventStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStreamError';
  }
}

/** Prelude (total length, headers length, prelude CRC) plus the message CRC. */
const OVERHEAD = 16;
/** Default {@link EventStreamDecoderOptions.maxMessageBytes}: 16 MiB, the framing's documented maximum. */
export const MAX_EVENT_STREAM_MESSAGE = 16 * 1024 * 1024;
/** Headers of one message may take at most 128 KiB. */
const MAX_HEADERS = 128 * 1024;

/** Options of {@link createEventStreamDecoder}. */
export interface EventStreamDecoderOptions {
  /** Largest message accepted, bytes; a prelude claiming more is a framing error. Default 16 MiB. */
  maxMessageBytes?: number;
}

/** Push-style decoder of `application/vnd.amazon.eventstream`. One per stream. */
export interface EventStreamDecoder {
  /** The messages completed by this chunk (frames may be split at any byte). Throws {@link EventStreamError}. */
  push(chunk: Uint8Array): EventStreamMessage[];
  /** The stream ended: throws {@link EventStreamError} when it ended inside a frame. */
  end(): void;
}

/**
 * Decodes the binary AWS event-stream framing: each message is a 4-byte total length, a 4-byte headers
 * length, a CRC32 of those 8 bytes, the headers, the payload and a CRC32 of everything before it, all
 * big-endian. Both CRCs are checked; the first bad frame throws and the decoder stays failed.
 *
 * @see https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
 * @example
 * ```ts
 * const decoder = createEventStreamDecoder();
 * for await (const chunk of body) for (const message of decoder.push(chunk)) handle(message);
 * decoder.end();
 * ```
 */
export function createEventStreamDecoder(options: EventStreamDecoderOptions = {}): EventStreamDecoder {
  const maxMessage = options.maxMessageBytes ?? MAX_EVENT_STREAM_MESSAGE;
  let buffer: Buffer = Buffer.alloc(0);
  let failed: EventStreamError | undefined;

  const fail = (message: string): never => {
    failed = new EventStreamError(message);
    buffer = Buffer.alloc(0);
    throw failed;
  };

  return {
    push(chunk) {
      if (failed) throw failed;
      buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
      const out: EventStreamMessage[] = [];
      while (buffer.length >= 12) {
        const total = buffer.readUInt32BE(0);
        const headersLength = buffer.readUInt32BE(4);
        if (crc32(buffer.subarray(0, 8)) !== buffer.readUInt32BE(8)) fail('event-stream prelude CRC mismatch');
        if (total < OVERHEAD || total > maxMessage) fail(`event-stream message length ${total} is out of range`);
        if (headersLength > MAX_HEADERS || headersLength > total - OVERHEAD) {
          fail(`event-stream headers length ${headersLength} does not fit its message`);
        }
        if (buffer.length < total) break;
        const frame = buffer.subarray(0, total);
        if (crc32(frame.subarray(0, total - 4)) !== frame.readUInt32BE(total - 4))
          fail('event-stream message CRC mismatch');
        const headers = readHeaders(frame.subarray(12, 12 + headersLength), fail);
        // Copy the payload: the buffer it lives in is reused for the next frames.
        out.push({ headers, body: new Uint8Array(frame.subarray(12 + headersLength, total - 4)) });
        buffer = buffer.subarray(total);
      }
      return out;
    },
    end() {
      if (failed) throw failed;
      if (buffer.length > 0) fail(`event-stream ended inside a message (${buffer.length} bytes left)`);
    },
  };
}

function readHeaders(bytes: Buffer, fail: (message: string) => never): Record<string, EventStreamHeaderValue> {
  const headers: Record<string, EventStreamHeaderValue> = {};
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) fail('event-stream header runs past its headers block');
  };
  while (at < bytes.length) {
    need(1);
    const nameLength = bytes[at]!;
    at += 1;
    need(nameLength + 1);
    const name = bytes.toString('utf8', at, at + nameLength);
    at += nameLength;
    const type = bytes[at]!;
    at += 1;
    let value: EventStreamHeaderValue;
    switch (type) {
      case 0:
      case 1:
        value = { type: 'boolean', value: type === 0 };
        break;
      case 2:
        need(1);
        value = { type: 'byte', value: bytes.readInt8(at) };
        at += 1;
        break;
      case 3:
        need(2);
        value = { type: 'short', value: bytes.readInt16BE(at) };
        at += 2;
        break;
      case 4:
        need(4);
        value = { type: 'integer', value: bytes.readInt32BE(at) };
        at += 4;
        break;
      case 5:
        need(8);
        value = { type: 'long', value: bytes.readBigInt64BE(at) };
        at += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = bytes.readUInt16BE(at);
        at += 2;
        need(length);
        value =
          type === 6
            ? { type: 'binary', value: new Uint8Array(bytes.subarray(at, at + length)) }
            : { type: 'string', value: bytes.toString('utf8', at, at + length) };
        at += length;
        break;
      }
      case 8:
        need(8);
        value = { type: 'timestamp', value: new Date(Number(bytes.readBigInt64BE(at))) };
        at += 8;
        break;
      case 9: {
        need(16);
        const hex = bytes.toString('hex', at, at + 16);
        value = {
          type: 'uuid',
          value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        };
        at += 16;
        break;
      }
      default:
        return fail(`event-stream header '${name}' has unknown type ${type}`);
    }
    headers[name] = value;
  }
  return headers;
}

/**
 * Encodes one event-stream message (the fakes use it to answer as Bedrock does). String header values
 * may be given as plain strings.
 *
 * @example
 * ```ts
 * encodeEventStreamMessage({ ':event-type': 'chunk', ':message-type': 'event', ':content-type': 'application/json' },
 *   new TextEncoder().encode('{"bytes":"..."}'));
 * ```
 */
export function encodeEventStreamMessage(
  headers: Readonly<Record<string, string | EventStreamHeaderValue>>,
  body: Uint8Array,
): Uint8Array {
  const parts: Buffer[] = [];
  for (const name in headers) {
    const given = headers[name]!;
    const header: EventStreamHeaderValue = typeof given === 'string' ? { type: 'string', value: given } : given;
    const nameBytes = Buffer.from(name, 'utf8');
    parts.push(Buffer.from([nameBytes.length]), nameBytes, encodeValue(header));
  }
  const headerBytes = Buffer.concat(parts);
  const total = OVERHEAD + headerBytes.length + body.byteLength;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  out.set(body, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function encodeValue(header: EventStreamHeaderValue): Buffer {
  switch (header.type) {
    case 'boolean':
      return Buffer.from([header.value ? 0 : 1]);
    case 'byte': {
      const b = Buffer.alloc(2);
      b[0] = 2;
      b.writeInt8(header.value, 1);
      return b;
    }
    case 'short': {
      const b = Buffer.alloc(3);
      b[0] = 3;
      b.writeInt16BE(header.value, 1);
      return b;
    }
    case 'integer': {
      const b = Buffer.alloc(5);
      b[0] = 4;
      b.writeInt32BE(header.value, 1);
      return b;
    }
    case 'long': {
      const b = Buffer.alloc(9);
      b[0] = 5;
      b.writeBigInt64BE(header.value, 1);
      return b;
    }
    case 'binary':
    case 'string': {
      const value = header.type === 'string' ? Buffer.from(header.value, 'utf8') : Buffer.from(header.value);
      const b = Buffer.alloc(3);
      b[0] = header.type === 'string' ? 7 : 6;
      b.writeUInt16BE(value.length, 1);
      return Buffer.concat([b, value]);
    }
    case 'timestamp': {
      const b = Buffer.alloc(9);
      b[0] = 8;
      b.writeBigInt64BE(BigInt(header.value.getTime()), 1);
      return b;
    }
    case 'uuid':
      return Buffer.concat([Buffer.from([9]), Buffer.from(header.value.replace(/-/g, ''), 'hex')]);
  }
}
