import { Readable, Transform } from 'node:stream';
import { concatBytes } from '../../core/concat-bytes.js';
import { type CoreRequestBody, NODE_READABLE } from '../types.js';

const encoder = new TextEncoder();

/** A request body as the proxy sends it: none, whole bytes (replayable on another key), or a one-shot stream. */
export type OutgoingBody =
  | { kind: 'none' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; stream: AsyncIterable<Uint8Array> };

/**
 * Keeps a body of up to `maxReplayBytes` in memory so a failed attempt can be sent again on another key;
 * a longer one (by its `content-length`, or once reading passes the limit) becomes a stream of what was
 * read and the rest, sent once, in constant memory.
 */
export async function prepareBody(
  body: CoreRequestBody,
  maxReplayBytes: number,
  declaredLength: number | undefined,
): Promise<OutgoingBody> {
  if (body === null || body === undefined) return { kind: 'none' };
  if (body instanceof Uint8Array) return { kind: 'bytes', bytes: body };
  if (typeof body === 'string') return { kind: 'bytes', bytes: encoder.encode(body) };
  if (!isAsyncIterable(body)) return { kind: 'bytes', bytes: encoder.encode(JSON.stringify(body)) };
  if (declaredLength !== undefined && declaredLength > maxReplayBytes) return { kind: 'stream', stream: body };
  const iterator = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done && head.length === 0) return { kind: 'bytes', bytes: new Uint8Array(0) };
    if (next.done) return { kind: 'bytes', bytes: concatBytes(head, size) };
    head.push(next.value);
    size += next.value.byteLength;
    if (size > maxReplayBytes) {
      const raw = nodeReadableOf(body);
      if (raw && !raw.readableEnded) {
        // Hand the read part back to the Node stream, which toReadable then pipes whole.
        await iterator.return?.();
        // Until toReadable pipes it (after a key is picked) nothing else listens: a client that resets
        // the connection meanwhile must not be an unhandled 'error'; pipeCounted sees the close.
        raw.on('error', noop);
        for (let i = head.length - 1; i >= 0; i--) raw.unshift(head[i]);
        return { kind: 'stream', stream: body };
      }
      return { kind: 'stream', stream: resume(head, iterator) };
    }
  }
}

async function* resume(head: Uint8Array[], iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    for (const chunk of head) yield chunk;
    head.length = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

/** `raw` piped through a counter; a client that leaves before the end fails it (the upstream call is cut). */
function pipeCounted(raw: Readable, add: (bytes: number) => void): Readable {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      add(chunk.byteLength);
      callback(null, chunk);
    },
  });
  raw.once('error', (err) => counted.destroy(err));
  raw.once('close', () => {
    if (!raw.readableEnded) counted.destroy(new Error('The client closed the connection while sending the body'));
  });
  counted.once('close', () => {
    if (!raw.readableEnded) raw.unpipe(counted);
  });
  if (raw.destroyed && !raw.readableEnded) {
    // The client left before the upload was piped.
    counted.destroy(new Error('The client closed the connection while sending the body'));
    return counted;
  }
  raw.pipe(counted);
  return counted;
}

/** The Node stream a Node adapter left behind `body` (see {@link NODE_READABLE}), if any. */
function nodeReadableOf(body: object): Readable | undefined {
  const raw = (body as { [NODE_READABLE]?: unknown })[NODE_READABLE];
  return raw instanceof Readable ? raw : undefined;
}

function noop(): void {}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * A byte stream as a Node `Readable` for undici, pulling from `stream` (with `add` told each chunk's
 * size) as fast as the socket takes it: one hop per chunk and a buffer of up to `highWaterMark` bytes,
 * so the upload keeps pace with the client without holding more than that.
 */
export function toReadable(
  stream: AsyncIterable<Uint8Array>,
  add: (bytes: number) => void,
  highWaterMark = 256 * 1024,
): Readable {
  const raw = nodeReadableOf(stream);
  if (raw) return pipeCounted(raw, add);
  const iterator = stream[Symbol.asyncIterator]();
  let pulling = false;
  let ended = false;
  return new Readable({
    highWaterMark,
    read() {
      if (pulling) return;
      pulling = true;
      const pull = (): void => {
        iterator.next().then(
          (next) => {
            if (next.done) {
              ended = true;
              pulling = false;
              this.push(null);
              return;
            }
            add(next.value.byteLength);
            if (this.push(next.value)) pull();
            else pulling = false;
          },
          (err: unknown) => {
            ended = true;
            this.destroy(err instanceof Error ? err : new Error(String(err)));
          },
        );
      };
      pull();
    },
    destroy(err, callback) {
      if (ended) return callback(err);
      ended = true;
      Promise.resolve(iterator.return?.()).then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
}

/**
 * Masks `secrets` (as bytes, each at least 8 long) in a streamed body with `*` of the same length, so
 * the length (and a `content-length`) stays right. A chunk is passed on at once, except a tail that
 * could be the start of a secret (rare: it must end in a secret's first bytes), which waits for the
 * next chunk; so a secret split across chunks is caught, interactive streams are not held up, and
 * memory stays constant.
 */
export async function* maskSecrets(
  stream: AsyncIterable<Uint8Array>,
  secrets: readonly Uint8Array[],
): AsyncGenerator<Uint8Array> {
  const masker = secretMasker(secrets);
  for await (const chunk of stream) for (const out of masker.push(chunk)) yield out;
  const rest = masker.flush();
  if (rest) yield rest;
}

/** Masks secrets in a stream of chunks, holding back a tail that could be the start of one. */
export interface SecretMasker {
  /** The bytes that are final so far (masked), in order; may be empty. Mutates `chunk` in place. */
  push(chunk: Uint8Array): Uint8Array[];
  /** The held-back tail at the end of the stream. */
  flush(): Uint8Array | undefined;
}

/**
 * A {@link SecretMasker} for `secrets`. A chunk is masked in place and passed on whole; only the few
 * bytes at its end that could start a secret are held back and joined to the start of the next chunk,
 * never the whole chunk, so a large download costs one search per secret per chunk and no copy.
 */
export function secretMasker(secrets: readonly Uint8Array[]): SecretMasker {
  const longest = secrets.reduce((n, s) => Math.max(n, s.byteLength), 0);
  let carry: Buffer | undefined;
  const maskAll = (buf: Buffer) => {
    for (const secret of secrets) maskWithin(buf, secret);
  };
  const tailOf = (buf: Buffer) => secrets.reduce((n, s) => Math.max(n, partialTail(buf, s)), 0);
  return {
    push(chunk) {
      if (secrets.length === 0) return [chunk];
      let view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const out: Uint8Array[] = [];
      if (carry) {
        if (view.byteLength < longest) {
          // A short chunk: join it to the carry whole (a few bytes) and go on as with one chunk.
          view = Buffer.concat([carry, view]);
        } else {
          // A secret that starts in the carry ends within the next `longest - 1` bytes: mask across the
          // seam in a small joined copy, write its chunk part back, and pass the carry on.
          const seam = Buffer.concat([carry, view.subarray(0, longest - 1)]);
          maskAll(seam);
          seam.copy(view, 0, carry.byteLength);
          out.push(seam.subarray(0, carry.byteLength));
        }
        carry = undefined;
      }
      maskAll(view);
      const hold = tailOf(view);
      if (hold > 0) carry = Buffer.from(view.subarray(view.byteLength - hold));
      if (view.byteLength > hold) out.push(hold > 0 ? view.subarray(0, view.byteLength - hold) : view);
      return out;
    },
    flush() {
      const rest = carry;
      carry = undefined;
      return rest;
    },
  };
}

const STAR = 0x2a;

function maskWithin(chunk: Buffer, secret: Uint8Array): void {
  let at = chunk.indexOf(secret);
  while (at !== -1) {
    chunk.fill(STAR, at, at + secret.byteLength);
    at = chunk.indexOf(secret, at + secret.byteLength);
  }
}

/** The length of the longest tail of `chunk` that is a proper start of `secret` (0 when none). */
function partialTail(chunk: Buffer, secret: Uint8Array): number {
  const max = Math.min(secret.byteLength - 1, chunk.byteLength);
  const first = secret[0]!;
  for (let k = max; k > 0; k--) {
    const from = chunk.byteLength - k;
    if (chunk[from] !== first) continue;
    let same = true;
    for (let i = 1; i < k; i++) {
      if (chunk[from + i] !== secret[i]) {
        same = false;
        break;
      }
    }
    if (same) return k;
  }
  return 0;
}
