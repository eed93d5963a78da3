import type {
  CanonicalError,
  CanonicalRequest,
  CanonicalResponse,
  Converted,
  FromCanonicalOptions,
  StreamPart,
} from './canonical.js';
import type { TranslationContext } from './context.js';
import type { Dialect, Usage } from './dialect.js';

/** One SSE event as eventsource-parser reports it. */
export interface SseEvent {
  /** The `event:` field, when present. */
  event?: string;
  data: string;
}

/**
 * Turns a dialect's SSE events into canonical stream parts. One instance per stream (it keeps state:
 * tool-call indexes, open blocks, accumulated usage).
 */
export interface StreamDecoder {
  /** Parts for one event (often none or one). Must not throw on malformed data: emit an `error` part. */
  event(event: SseEvent): StreamPart[];
  /** True once the dialect's terminal event was seen (`[DONE]`, `message_stop`, `response.completed`, a finishReason chunk). */
  readonly done: boolean;
}

/**
 * Options of a {@link StreamEncoder}. The clock and id generator make up what the source stream did
 * not carry (a `created` time, a message id).
 */
export interface StreamEncoderOptions extends TranslationContext {
  /** OpenAI chat: emit the final usage chunk (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
}

/**
 * Turns canonical stream parts into a dialect's exact SSE event sequence. One instance per stream.
 * Output is SSE text (`event: ...\ndata: ...\n\n`), possibly empty.
 */
export interface StreamEncoder {
  encode(part: StreamPart): string;
  /**
   * Ends the stream with the dialect's terminal events. When no `finish` part was seen, the stream
   * ended early: `error` (a message) says so, and the encoder emits the dialect's error event if it has
   * one rather than pretending the answer was complete.
   */
  end(error?: CanonicalError): string;
}

/**
 * What the request said that a response conversion may need: the tool names as the caller declared
 * them, so a dialect that had to rename tools (Gemini's name rules) can map its answer back.
 */
export interface ResponseContext {
  toolNames?: readonly string[];
}

/**
 * Everything switchyard knows about one dialect: how to read and write its requests, answers, stream
 * events and errors. Any two dialects compose through the canonical form (`codecFor(dialect)`).
 */
export interface DialectCodec {
  readonly dialect: Dialect;
  /** Parses a request body. Throws `InvalidRequestError` (naming the field) for input that cannot be represented. */
  requestToCanonical(body: Record<string, unknown>): Converted<CanonicalRequest>;
  requestFromCanonical(request: CanonicalRequest, options: FromCanonicalOptions): Converted<Record<string, unknown>>;
  responseToCanonical(body: Record<string, unknown>, context?: ResponseContext): Converted<CanonicalResponse>;
  /** `context` supplies what the response lacks and the dialect requires (OpenAI Chat's `created`). */
  responseFromCanonical(response: CanonicalResponse, context?: TranslationContext): Converted<Record<string, unknown>>;
  /** Usage of a non-stream response body, in canonical form. */
  readUsage(body: Record<string, unknown>): Usage | undefined;
  createStreamDecoder(context?: ResponseContext): StreamDecoder;
  createStreamEncoder(options?: StreamEncoderOptions): StreamEncoder;
  /** An error body (already parsed JSON, or text) with its HTTP status, in canonical form. */
  errorToCanonical(status: number, body: unknown, headers?: Readonly<Record<string, string>>): CanonicalError;
  /** The dialect's error body and status for a canonical error. */
  errorFromCanonical(error: CanonicalError): { status: number; body: Record<string, unknown> };
}
