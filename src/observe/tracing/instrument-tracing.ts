import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { ERROR_CODES, type ErrorKind } from '../../core/errors.js';
import type { AttemptInfo, AttemptResult, ContentRecord, ManagerHooks, UsageRecord } from '../../manager/types.js';
import { ATTR, OPERATION, providerName } from './gen-ai-attributes.js';

/** What {@link instrumentTracing} needs of a Manager: its hooks. */
export interface TracingSource {
  /** Adds a hook set and returns the function that removes it. */
  addHooks(hooks: ManagerHooks): () => void;
}

/** Options of {@link instrumentTracing}. */
export interface TracingOptions {
  /** The tracer to start spans with. Default: `tracerProvider`'s, else the global provider's, named `switchyard`. */
  tracer?: Tracer;
  /** Where to get the tracer from when `tracer` is not given. Default: the global tracer provider. */
  tracerProvider?: TracerProvider;
  /**
   * Most requests with an open span. A request whose end was never reported is ended (marked
   * `switchyard.incomplete`) when newer ones need the room. Default 10 000.
   */
  maxOpenRequests?: number;
  /**
   * Opt-in: put the caller's request body and the answer it got (its JSON, or the SSE text of a stream)
   * on the request span, as `switchyard.request.body` and `switchyard.response.body`, each cut to
   * `maxContentChars` (`switchyard.content.truncated` says when). They hold prompts and answers: turn it
   * on only where the trace backend may keep them. Default false: spans carry no content.
   */
  recordContent?: boolean;
  /** Longest body text put on a span with `recordContent`, characters. Default 16 384. */
  maxContentChars?: number;
}

interface OpenRequest {
  span: Span;
  /** The context attempt spans are children in. */
  context: Context;
  attempt: Span | undefined;
}

const decoder = new TextDecoder();

const KIND_OF_CODE = new Map<string, ErrorKind>(
  Object.entries(ERROR_CODES).map(([kind, code]) => [code, kind as ErrorKind]),
);

/**
 * Traces what a Manager does with OpenTelemetry (`@opentelemetry/api`, an optional peer dependency; bring
 * your own SDK): one span per request, and under it one CLIENT span per attempt on an upstream
 * credential, named and attributed per the GenAI semantic conventions (`chat {model}`,
 * `gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.usage.*` tokens,
 * `error.type` with the failure's kind) plus `switchyard.credential.id` and `switchyard.attempt`. The
 * request span is a child of the span active where `manager.execute` was called (e.g. the host's HTTP
 * server span). Token usage is on the request span only, so a backend summing it counts a request once.
 * Spans carry no prompt or answer content unless `recordContent` is set. Returns a function that stops
 * tracing.
 *
 * @example
 * ```ts
 * import { instrumentTracing } from 'switchyard/tracing';
 * const stop = instrumentTracing(manager); // spans go to the globally registered OpenTelemetry SDK
 * ```
 */
export function instrumentTracing(manager: TracingSource, options: TracingOptions = {}): () => void {
  const tracer = options.tracer ?? (options.tracerProvider ?? trace).getTracer('switchyard');
  const max = Math.max(1, options.maxOpenRequests ?? 10_000);
  const open = new Map<string, OpenRequest>();

  const begin = (requestId: string, startTime?: number): OpenRequest => {
    if (open.size >= max) {
      const [oldestId, oldest] = open.entries().next().value as [string, OpenRequest];
      open.delete(oldestId);
      oldest.attempt?.end();
      oldest.span.setAttribute(ATTR.incomplete, true);
      oldest.span.end();
    }
    const parent = context.active();
    const span = tracer.startSpan(
      OPERATION,
      {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTR.operationName]: OPERATION, [ATTR.requestId]: requestId },
        ...(startTime !== undefined ? { startTime } : {}),
      },
      parent,
    );
    const request: OpenRequest = { span, context: trace.setSpan(parent, span), attempt: undefined };
    open.set(requestId, request);
    return request;
  };

  const startAttempt = (request: OpenRequest, info: AttemptInfo): Span => {
    const name = providerName(info.provider);
    const attributes: Attributes = {
      [ATTR.operationName]: OPERATION,
      [ATTR.providerName]: name,
      [ATTR.requestModel]: info.model,
      [ATTR.credentialId]: info.credentialId,
      [ATTR.attempt]: info.attempt,
    };
    if (name !== info.provider) attributes[ATTR.provider] = info.provider;
    return tracer.startSpan(`${OPERATION} ${info.model}`, { kind: SpanKind.CLIENT, attributes }, request.context);
  };

  const maxChars = Math.max(0, options.maxContentChars ?? 16_384);
  const cut = (text: string): [string, boolean] =>
    text.length > maxChars ? [text.slice(0, maxChars), true] : [text, false];
  const onContent = (record: ContentRecord) => {
    const request = open.get(record.requestId);
    if (!request?.span.isRecording()) return;
    const [body, bodyCut] = cut(JSON.stringify(record.request));
    request.span.setAttribute(ATTR.requestBody, body);
    let truncated = bodyCut || record.truncated;
    if (record.response) {
      const [answer, answerCut] = cut(decoder.decode(record.response));
      request.span.setAttribute(ATTR.responseBody, answer);
      truncated ||= answerCut;
    }
    if (truncated) request.span.setAttribute(ATTR.contentTruncated, true);
  };

  const hooks: ManagerHooks = {
    ...(options.recordContent === true ? { onContent } : {}),
    onAttempt(info) {
      const request = open.get(info.requestId) ?? begin(info.requestId);
      request.attempt?.end();
      request.attempt = startAttempt(request, info);
    },
    onResult(result: AttemptResult) {
      const request = open.get(result.requestId) ?? begin(result.requestId);
      // A failure before the attempt was announced (e.g. its OAuth refresh failed) still gets its span.
      const span = request.attempt ?? startAttempt(request, result);
      request.attempt = undefined;
      if (!span.isRecording()) {
        span.end();
        return;
      }
      if (result.error) {
        span.setAttribute(ATTR.errorType, result.error.kind);
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.code });
      }
      if (result.cooldown) {
        span.setAttribute(ATTR.cooldownReason, result.cooldown.reason);
        span.setAttribute(ATTR.cooldownModel, result.cooldown.model);
      }
      span.end();
    },
    onUsage(record) {
      // A request that never reached an attempt (no credential serves its model) is one short span.
      const request = open.get(record.requestId) ?? begin(record.requestId, Date.now() - Math.max(0, record.latencyMs));
      open.delete(record.requestId);
      request.attempt?.end();
      endRequest(request.span, record);
    },
  };
  const remove = manager.addHooks(hooks);
  return () => {
    remove();
    for (const request of open.values()) {
      request.attempt?.end();
      request.span.setAttribute(ATTR.incomplete, true);
      request.span.end();
    }
    open.clear();
  };
}

function endRequest(span: Span, record: UsageRecord): void {
  if (!span.isRecording()) {
    // Not sampled: nothing would keep the attributes.
    span.end();
    return;
  }
  span.updateName(`${OPERATION} ${record.modelRequested}`);
  span.setAttribute(ATTR.requestModel, record.modelRequested);
  span.setAttribute(ATTR.dialect, record.dialect);
  span.setAttribute(ATTR.stream, record.stream);
  span.setAttribute(ATTR.attempts, record.attempts);
  if (record.provider !== undefined) {
    const name = providerName(record.provider);
    span.setAttribute(ATTR.providerName, name);
    // Our own id too when the conventions spell it otherwise (gemini is gcp.gemini).
    if (name !== record.provider) span.setAttribute(ATTR.provider, record.provider);
  }
  if (record.credentialId !== undefined) span.setAttribute(ATTR.credentialId, record.credentialId);
  if (record.modelUsed !== undefined) span.setAttribute(ATTR.responseModel, record.modelUsed);
  if (record.ttfbMs !== undefined) span.setAttribute(ATTR.ttfbMs, record.ttfbMs);
  if (record.success || record.promptTokens > 0 || record.completionTokens > 0) {
    span.setAttribute(ATTR.inputTokens, record.promptTokens);
    span.setAttribute(ATTR.outputTokens, record.completionTokens);
  }
  if (record.cachedTokens > 0) span.setAttribute(ATTR.cacheReadTokens, record.cachedTokens);
  if (record.cacheWriteTokens > 0) span.setAttribute(ATTR.cacheWriteTokens, record.cacheWriteTokens);
  if (record.reasoningTokens > 0) span.setAttribute(ATTR.reasoningTokens, record.reasoningTokens);
  if (!record.success) {
    const code = record.errorCode ?? 'SWITCHYARD_INTERNAL';
    span.setAttribute(ATTR.errorType, KIND_OF_CODE.get(code) ?? code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  }
  span.end();
}
