import { concatBytes } from '../core/concat-bytes.js';
import { HttpError } from './error-response.js';
import { valueTooDeep } from './json-depth.js';
import type { CoreRequestBody } from './types.js';

const decoder = new TextDecoder();

/** A parsed body and its size in characters (undefined when a framework had parsed it already). */
export interface ParsedBody {
  value: unknown;
  size: number | undefined;
}

/**
 * The request body as parsed JSON: parses raw bytes or text, or takes a value a framework already
 * parsed. Stops reading (and releases the stream) as soon as the body passes `maxBytes`, and refuses
 * a value nested deeper than `maxDepth` levels of objects and arrays.
 *
 * @throws {HttpError} 413 when the body is too large, 400 when it is missing, not JSON or too deep.
 */
export async function readJsonBody(
  body: CoreRequestBody,
  maxBytes: number,
  maxDepth: number = Number.POSITIVE_INFINITY,
): Promise<ParsedBody> {
  if (body === null || body === undefined) throw new HttpError(400, 'invalid_request', 'The request has no body');
  let text: string;
  if (body instanceof Uint8Array) {
    if (body.byteLength > maxBytes) throw tooLarge(maxBytes);
    text = decoder.decode(body);
  } else if (typeof body === 'string') {
    // A string's UTF-8 size is at least its length; the exact count only matters near the limit.
    if (body.length > maxBytes || (body.length * 3 > maxBytes && utf8Length(body) > maxBytes)) throw tooLarge(maxBytes);
    text = body;
  } else if (isAsyncIterable(body)) {
    text = decoder.decode(await readAll(body, maxBytes));
  } else {
    if (valueTooDeep(body, maxDepth)) throw tooDeep(maxDepth);
    return { value: body, size: undefined };
  }
  if (text.trim() === '') throw new HttpError(400, 'invalid_request', 'The request has no body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : '';
    throw new HttpError(400, 'invalid_request', `The request body is not valid JSON${detail}`);
  }
  if (valueTooDeep(value, maxDepth)) throw tooDeep(maxDepth);
  return { value, size: text.length };
}

function tooDeep(maxDepth: number): HttpError {
  return new HttpError(
    400,
    'invalid_request',
    `The request body nests objects and arrays deeper than ${maxDepth} levels (the server's maxJsonDepth)`,
  );
}

/**
 * The request body as text (a YAML file, say): raw bytes, a stream or a string, up to `maxBytes`.
 *
 * @throws {HttpError} 413 when the body is too large, 400 when it is missing or already parsed as JSON.
 */
export async function readTextBody(body: CoreRequestBody, maxBytes: number): Promise<string> {
  if (body === null || body === undefined) throw new HttpError(400, 'invalid_request', 'The request has no body');
  if (typeof body === 'string') {
    if (utf8Length(body) > maxBytes) throw tooLarge(maxBytes);
    return body;
  }
  if (body instanceof Uint8Array) {
    if (body.byteLength > maxBytes) throw tooLarge(maxBytes);
    return decoder.decode(body);
  }
  if (isAsyncIterable(body)) return decoder.decode(await readAll(body, maxBytes));
  throw new HttpError(400, 'invalid_request', 'Send the body as text, not as parsed JSON');
}

async function readAll(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    size += next.value.byteLength;
    if (size > maxBytes) {
      // Stop the upload here; the host drops the rest.
      void Promise.resolve(iterator.return?.()).catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(next.value);
  }
  return concatBytes(chunks, size);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'invalid_request', `The request body is larger than ${maxBytes} bytes`);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
