import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { CanonicalError, StreamPart } from './canonical.js';
import type { StreamDecoder, StreamEncoder } from './codec.js';
import type { TranslationContext } from './context.js';
import type { Dialect, Usage } from './dialect.js';
import { codecFor } from './registry.js';

/**
 * Options of {@link createStreamConverter} and {@link createStreamTranslator}. `now` and `generateId`
 * (see {@link TranslationContext}) make up what the caller's dialect requires and the upstream's stream
 * lacks: a `created` time, a message id.
 */
export interface StreamConverterOptions extends TranslationContext {
  /** The upstream's dialect (what the bytes fed in are). */
  from: Dialect;
  /** The caller's dialect (what comes out). */
  to: Dialect;
  /** OpenAI chat callers: emit the usage chunk (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
  /** The tool names the request declared (see `requestToolNames`), to undo renames some upstreams need. */
  toolNames?: readonly string[];
  /**
   * Largest upstream SSE event, bytes (counted from the end of the previous event, so the limit holds
   * within one chunk). Past it `transform` throws {@link EventTooLargeError} instead of buffering more.
   * Default 16 MiB.
   */
  maxEventBytes?: number;
}

/** Default {@link StreamConverterOptions.maxEventBytes}: 16 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/** An upstream SSE event grew past {@link StreamConverterOptions.maxEventBytes}. */
export class EventTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`The upstream sent a stream event larger than ${limit} bytes`);
    this.name = 'EventTooLargeError';
    this.limit = limit;
  }
}

/**
 * A push-style SSE translator: feed it the upstream's bytes, get the caller's bytes. One per stream.
 * The Manager uses it directly (to know when the first byte exists and whether the stream completed);
 * {@link createStreamTranslator} wraps it in a `TransformStream`.
 */
export interface StreamConverter {
  /** Bytes for the caller produced by this chunk, or null when it produced none yet. */
  transform(chunk: Uint8Array): Uint8Array | null;
  /** The upstream ended: flushes, and when its terminal event never came, ends the caller's stream with an error event. */
  flush(): Uint8Array | null;
  /** The upstream failed mid-stream: ends the caller's stream with an error event. */
  fail(message: string): Uint8Array | null;
  /** True once the upstream's terminal event was seen. */
  readonly completed: boolean;
  /** True once any content (text, reasoning, tool call) was seen. */
  readonly sawContent: boolean;
  /** Usage seen so far (cumulative). */
  readonly usage: Usage | undefined;
  /** How many SSE events were parsed so far (comments are not events). */
  readonly events: number;
}

const encoder = new TextEncoder();

/**
 * Creates a stream converter from `from`'s SSE to `to`'s SSE. When `from === to` the bytes pass through
 * untouched and only usage and completion are read off.
 *
 * @example
 * ```ts
 * const conv = createStreamConverter({ from: 'anthropic-messages', to: 'openai-chat' });
 * for await (const chunk of upstream) { const out = conv.transform(chunk); if (out) res.write(out); }
 * const tail = conv.flush(); if (tail) res.write(tail);
 * ```
 */
export function createStreamConverter(options: StreamConverterOptions): StreamConverter {
  const passthrough = options.from === options.to;
  const context: TranslationContext = { now: options.now, generateId: options.generateId };
  const decoder: StreamDecoder = codecFor(options.from).createStreamDecoder(
    options.toolNames ? { toolNames: options.toolNames } : undefined,
  );
  const target: StreamEncoder | undefined = passthrough
    ? undefined
    : codecFor(options.to).createStreamEncoder({ ...context, includeUsage: options.includeUsage ?? true });
  const text = new TextDecoder();
  let out = '';
  let usage: Usage | undefined;
  let sawContent = false;
  let ended = false;
  let sawError = false;
  const needsDecode = passthrough ? passthroughFilter(options.from) : undefined;
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  let events = 0;
  /** Bytes fed since the last complete event: what the parser may be holding. */
  let pending = 0;

  let startPart: StreamPart | undefined;
  const onPart = (part: StreamPart) => {
    switch (part.type) {
      case 'start':
        startPart = part;
        if (part.usage) usage = mergeUsage(usage, part.usage);
        break;
      case 'finish':
        if (part.usage) usage = mergeUsage(usage, part.usage);
        break;
      case 'usage':
        usage = mergeUsage(usage, part.usage);
        break;
      case 'error':
        sawError = true;
        break;
      case 'ping':
        break;
      default:
        sawContent = true;
    }
    if (target) out += target.encode(part);
  };
  const parser: EventSourceParser = createParser({
    onEvent(event) {
      events++;
      pending = 0;
      if (needsDecode && !needsDecode(event)) {
        // Passthrough reads only what accounting needs (usage, the end, errors); the rest is content.
        if (event.event !== 'ping') sawContent = true;
        return;
      }
      // The parser's message is an SseEvent already (its `id` is ignored): no copy per event.
      const parts = decoder.event(event);
      for (const part of parts) onPart(part);
    },
  });

  const take = (): Uint8Array | null => {
    if (out === '') return null;
    const bytes = encoder.encode(out);
    out = '';
    return bytes;
  };
  const finish = (error: CanonicalError | undefined): Uint8Array | null => {
    if (ended) return null;
    ended = true;
    if (passthrough) {
      // An upstream that already reported its error in the stream needs no second error event.
      if (decoder.done || !error || sawError) return null;
      // The upstream stopped mid-answer: say so in the caller's dialect rather than truncating silently.
      // The encoder is told about the start the caller already has, so only the closing events come out.
      const tail = codecFor(options.to).createStreamEncoder(context);
      if (startPart) tail.encode(startPart);
      return encoder.encode(tail.end(error));
    }
    out += target!.end(decoder.done ? undefined : error);
    return take();
  };

  return {
    transform(chunk) {
      pending += chunk.byteLength;
      parser.feed(text.decode(chunk, { stream: true }));
      if (pending > maxEventBytes) {
        // Drop what the parser holds: an event this large is refused, not buffered further.
        parser.reset();
        throw new EventTooLargeError(maxEventBytes);
      }
      if (passthrough) return chunk.byteLength > 0 ? chunk : null;
      return take();
    },
    flush() {
      const rest = text.decode();
      if (rest) parser.feed(rest);
      parser.reset({ consume: true });
      const pending = passthrough ? null : take();
      const tail = finish({ status: 502, kind: 'upstream_error', message: 'The upstream stream ended early' });
      return concat(pending, tail);
    },
    fail(message) {
      return finish({ status: 502, kind: 'upstream_error', message });
    },
    get completed() {
      return decoder.done;
    },
    get sawContent() {
      return sawContent;
    },
    get usage() {
      return usage;
    },
    get events() {
      return events;
    },
  };
}

/**
 * The caller-facing stream translator: a `TransformStream` from the upstream's SSE bytes to the
 * caller's SSE bytes. Web-standard, so it works in Node, Bun, Deno and Workers.
 *
 * @example
 * ```ts
 * const res = await fetch(anthropicUrl, { method: 'POST', body, headers });
 * const openaiSse = res.body!.pipeThrough(createStreamTranslator({ from: 'anthropic-messages', to: 'openai-chat' }));
 * ```
 */
export function createStreamTranslator(options: StreamConverterOptions): TransformStream<Uint8Array, Uint8Array> {
  const converter = createStreamConverter(options);
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out = converter.transform(chunk);
      if (out) controller.enqueue(out);
    },
    flush(controller) {
      const out = converter.flush();
      if (out) controller.enqueue(out);
    },
  });
}

/**
 * Which events a same-dialect passthrough must decode: those that can carry usage, the terminal event or
 * an error. Skipping the content events keeps passthrough close to the cost of SSE parsing alone.
 */
function passthroughFilter(dialect: Dialect): (event: EventSourceMessage) => boolean {
  switch (dialect) {
    case 'anthropic-messages':
      return (e) => e.event === undefined || (e.event !== 'ping' && !e.event.startsWith('content_block'));
    case 'openai-responses':
      return (e) => e.event === undefined || !TEXT_EVENT.test(e.event);
    case 'openai-chat':
      return (e) =>
        e.data === '[DONE]' ||
        e.data.includes('"usage":{') ||
        e.data.includes('"finish_reason":"') ||
        e.data.includes('"error"');
    case 'gemini':
      return (e) =>
        e.data.includes('"usageMetadata"') || e.data.includes('"finishReason"') || e.data.includes('"error"');
    case 'bedrock-converse':
      return (e) => e.event === 'messageStop' || e.event === 'metadata' || e.event?.endsWith('Exception') === true;
  }
}

/** Responses events that only carry content (deltas, parts and items opening or closing). */
const TEXT_EVENT = /^response\.(output_|content_part|reasoning|function_call|refusal)/;

function mergeUsage(previous: Usage | undefined, next: Usage): Usage {
  if (!previous) return { ...next };
  // Gemini repeats the same counts on every chunk: nothing new, nothing to copy.
  if (
    (!next.inputTokens || next.inputTokens === previous.inputTokens) &&
    (!next.outputTokens || next.outputTokens === previous.outputTokens) &&
    (!next.cacheReadTokens || next.cacheReadTokens === previous.cacheReadTokens) &&
    (!next.cacheWriteTokens || next.cacheWriteTokens === previous.cacheWriteTokens) &&
    (!next.reasoningTokens || next.reasoningTokens === previous.reasoningTokens)
  ) {
    return previous;
  }
  const merged: Usage = { ...previous };
  // Usage parts are cumulative; a later report wins field by field, zeros never erase a known count.
  if (next.inputTokens) merged.inputTokens = next.inputTokens;
  if (next.outputTokens) merged.outputTokens = next.outputTokens;
  if (next.cacheReadTokens) merged.cacheReadTokens = next.cacheReadTokens;
  if (next.cacheWriteTokens) merged.cacheWriteTokens = next.cacheWriteTokens;
  if (next.reasoningTokens) merged.reasoningTokens = next.reasoningTokens;
  return merged;
}

function concat(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (!a) return b;
  if (!b) return a;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
