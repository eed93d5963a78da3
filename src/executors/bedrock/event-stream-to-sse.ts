import { UpstreamError } from '../../core/errors.js';
import { createEventStreamDecoder, type EventStreamHeaderValue, type EventStreamMessage } from './event-stream.js';

/** What the stream's events are: ConverseStream events, or InvokeModel `chunk`s of Anthropic Messages SSE. */
export type BedrockStreamKind = 'converse' | 'invoke';

/** Bedrock stream exceptions → Anthropic error types, for the `error` event an Anthropic caller reads. */
const ANTHROPIC_ERROR_TYPE: Readonly<Record<string, string>> = Object.freeze({
  throttlingException: 'rate_limit_error',
  serviceUnavailableException: 'overloaded_error',
  validationException: 'invalid_request_error',
  modelTimeoutException: 'timeout_error',
});

const encoder = new TextEncoder();
const text = new TextDecoder();

function header(headers: Record<string, EventStreamHeaderValue>, name: string): string | undefined {
  const value = headers[name];
  return value?.type === 'string' ? value.value : undefined;
}

/** JSON on one line: a payload with line breaks would end the SSE `data:` field early. */
function oneLine(json: string): string {
  if (!json.includes('\n') && !json.includes('\r')) return json;
  try {
    return JSON.stringify(JSON.parse(json));
  } catch {
    return JSON.stringify({ message: json });
  }
}

function sse(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** The `{ message }` of an exception payload. */
function messageOf(payload: string, fallback: string): string {
  try {
    const parsed = JSON.parse(payload) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    return typeof message === 'string' && message !== '' ? message : fallback;
  } catch {
    return payload.trim() || fallback;
  }
}

/** One event-stream message as SSE of the dialect the request went out in. */
function toSse(message: EventStreamMessage, kind: BedrockStreamKind): string {
  const payload = text.decode(message.body);
  const type = header(message.headers, ':message-type') ?? 'event';
  if (type === 'exception' || type === 'error') {
    // `exception` frames name the modelled exception; `error` frames carry a code and a message in headers.
    const name =
      header(message.headers, ':exception-type') ?? header(message.headers, ':error-code') ?? 'internalServerException';
    const camel = name.charAt(0).toLowerCase() + name.slice(1);
    const msg =
      type === 'error'
        ? (header(message.headers, ':error-message') ?? messageOf(payload, name))
        : messageOf(payload, name);
    if (kind === 'converse') return sse(camel, JSON.stringify({ message: msg }));
    const errorType = ANTHROPIC_ERROR_TYPE[camel] ?? 'api_error';
    return sse('error', JSON.stringify({ type: 'error', error: { type: errorType, message: msg } }));
  }
  const event = header(message.headers, ':event-type') ?? '';
  if (kind === 'converse') return event === '' ? '' : sse(event, oneLine(payload));
  if (event !== 'chunk') return '';
  // A chunk's `bytes` is one Anthropic Messages stream event, JSON, base64-encoded.
  let data: string;
  let name: string;
  try {
    const bytes = (JSON.parse(payload) as { bytes?: unknown }).bytes;
    if (typeof bytes !== 'string') return '';
    data = oneLine(Buffer.from(bytes, 'base64').toString('utf8'));
    const parsed = JSON.parse(data) as { type?: unknown };
    name = typeof parsed.type === 'string' ? parsed.type : 'message';
  } catch (cause) {
    throw new UpstreamError('Bedrock sent a stream chunk that is not an Anthropic event', { cause });
  }
  return sse(name, data);
}

/**
 * Turns a Bedrock stream body (`application/vnd.amazon.eventstream`) into SSE of the request's dialect:
 * for ConverseStream one event per message, named by its `:event-type` (an exception by its
 * `:exception-type`), with the JSON payload as data; for InvokeModelWithResponseStream the Anthropic
 * Messages events carried base64-encoded in `chunk` messages (an exception as an Anthropic `error`
 * event). A corrupt frame (bad length or CRC, a truncated end) fails the stream with an
 * {@link UpstreamError}, which the Manager reports to the caller as a stream error, never a hang.
 * Ending iteration early releases the upstream socket.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html
 */
export async function* eventStreamToSse(
  body: AsyncIterable<Uint8Array>,
  kind: BedrockStreamKind,
): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = createEventStreamDecoder();
  const decode = (step: () => EventStreamMessage[] | undefined): EventStreamMessage[] => {
    try {
      return step() ?? [];
    } catch (cause) {
      if (cause instanceof UpstreamError) throw cause;
      throw new UpstreamError(`Bedrock sent a malformed event stream: ${(cause as Error).message}`, { cause });
    }
  };
  for await (const chunk of body) {
    let out = '';
    for (const message of decode(() => decoder.push(chunk))) out += toSse(message, kind);
    if (out !== '') yield encoder.encode(out);
  }
  decode(() => {
    decoder.end();
    return undefined;
  });
}
