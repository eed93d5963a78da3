import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Credential,
  FillFirstSelector,
  Manager,
  MemoryTokenStore,
  type MockBehaviour,
  mockExecutor,
} from '../../src/index.js';
import { instrumentTracing, type TracingOptions } from '../../src/observe/tracing/index.js';
import { rejection, text } from '../manager/helpers.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => exporter.reset());

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [{ role: 'user', content: 'a secret prompt' }],
  ...extra,
});

function setup(behaviours: Record<string, MockBehaviour>, options: TracingOptions = {}, credentials?: Credential[]) {
  const manager = new Manager({
    executors: [mockExecutor({ behaviours })],
    store: new MemoryTokenStore(
      credentials ??
        Object.keys(behaviours).map((id) => ({
          id,
          provider: 'mock',
          apiKey: `sk-secret-${id}-0123456789`,
          models: [{ name: 'mock-model' }],
        })),
    ),
    selector: new FillFirstSelector(),
    retry: { attempts: 3, baseDelayMs: 0 },
  });
  const stop = instrumentTracing(manager, { tracerProvider: provider, ...options });
  return { manager, stop };
}

const spans = () => exporter.getFinishedSpans();
const childrenOf = (parent: ReadableSpan) =>
  spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
const roots = () => spans().filter((s) => s.attributes['switchyard.request.id'] !== undefined);

describe('instrumentTracing', () => {
  it('one span per request with a CLIENT child per attempt, attributed per the GenAI conventions', async () => {
    const { manager } = setup({ a: {} });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat(), requestId: 'req-1' });
    await text(res.body);
    const [request] = roots();
    expect(request).toBeDefined();
    expect(request!.name).toBe('chat mock-model');
    expect(request!.kind).toBe(SpanKind.INTERNAL);
    expect(request!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(request!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-model',
      'gen_ai.response.model': 'mock-model',
      'switchyard.credential.id': 'a',
      'switchyard.request.id': 'req-1',
      'switchyard.attempts': 1,
      'switchyard.dialect': 'openai-chat',
    });
    expect(request!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(request!.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    const attempts = childrenOf(request!);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.name).toBe('chat mock-model');
    expect(attempts[0]!.kind).toBe(SpanKind.CLIENT);
    expect(attempts[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-model',
      'switchyard.credential.id': 'a',
      'switchyard.attempt': 1,
    });
    // Usage is on the request span only: a backend summing tokens counts the request once.
    expect(attempts[0]!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(spans()).toHaveLength(2);
  });

  it('a failover: a failed attempt with error.type, then the one that answered', async () => {
    const { manager } = setup({ a: { statuses: [429], retryAfter: '5' }, b: {} });
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    const [request] = roots();
    const attempts = childrenOf(request!).sort(
      (x, y) => Number(x.attributes['switchyard.attempt']) - Number(y.attributes['switchyard.attempt']),
    );
    expect(attempts.map((s) => s.attributes['switchyard.credential.id'])).toEqual(['a', 'b']);
    expect(attempts[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SWITCHYARD_RATE_LIMITED' });
    expect(attempts[0]!.attributes).toMatchObject({
      'error.type': 'rate_limited',
      'switchyard.cooldown.reason': 'rate_limited',
      'switchyard.attempt': 1,
    });
    expect(attempts[1]!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(attempts[1]!.attributes['error.type']).toBeUndefined();
    expect(request!.attributes).toMatchObject({ 'switchyard.attempts': 2, 'switchyard.credential.id': 'b' });
    expect(request!.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('a failed request: error status and error.type on the request span', async () => {
    const { manager } = setup({ a: { statuses: [400] } });
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    const [request] = roots();
    expect(request!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SWITCHYARD_INVALID_REQUEST' });
    expect(request!.attributes['error.type']).toBe('invalid_request');
    expect(childrenOf(request!)).toHaveLength(1);
  });

  it('a request for a model nobody serves is one short error span', async () => {
    const { manager } = setup({ a: {} });
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat({ model: 'nope' }) }));
    expect(spans()).toHaveLength(1);
    expect(spans()[0]!.name).toBe('chat nope');
    expect(spans()[0]!.attributes['error.type']).toBe('model_not_found');
  });

  it('a stream: the request span ends with the stream, with its time to first byte', async () => {
    const { manager } = setup({ a: {} });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    expect(roots()).toHaveLength(0);
    await text(res.body);
    const [request] = roots();
    expect(request!.attributes['switchyard.stream']).toBe(true);
    expect(request!.attributes['switchyard.time_to_first_byte_ms']).toBeGreaterThanOrEqual(0);
    expect(childrenOf(request!)).toHaveLength(1);
  });

  it("the caller's active span is the request span's parent", async () => {
    const { manager } = setup({ a: {} });
    const server = provider.getTracer('host').startSpan('POST /v1/chat/completions', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), server), async () => {
      await manager.execute({ dialect: 'openai-chat', body: chat() });
    });
    server.end();
    const [request] = roots();
    expect(request!.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(request!.spanContext().traceId).toBe(server.spanContext().traceId);
  });

  it('records no prompt, answer or secret', async () => {
    const { manager } = setup({ a: {} });
    await text((await manager.execute({ dialect: 'openai-chat', body: chat(), principal: 'who' })).body);
    const dump = JSON.stringify(spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    expect(dump).not.toContain('a secret prompt');
    expect(dump).not.toContain('Mock reply');
    expect(dump).not.toContain('sk-secret');
  });

  it('puts the request and the answer on the request span only when recordContent is set', async () => {
    const { manager } = setup({ a: { reply: 'the whole answer' } }, { recordContent: true });
    const body = chat();
    await text((await manager.execute({ dialect: 'openai-chat', body })).body);
    const [plain] = roots();
    expect(JSON.parse(String(plain!.attributes['switchyard.request.body']))).toEqual(body);
    const answer = JSON.parse(String(plain!.attributes['switchyard.response.body']));
    expect(answer.choices[0].message.content).toBe('the whole answer');
    expect(plain!.attributes['switchyard.content.truncated']).toBeUndefined();
    // Attempt spans never carry content; neither does any span a secret.
    for (const child of childrenOf(plain!)) expect(child.attributes['switchyard.request.body']).toBeUndefined();
    expect(JSON.stringify(spans().map((s) => s.attributes))).not.toContain('sk-secret');

    exporter.reset();
    const streamed = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    const sse = await text(streamed.body);
    const [stream] = roots();
    // Every byte the caller read, in order, the closing [DONE] included.
    expect(stream!.attributes['switchyard.response.body']).toBe(sse);
    expect(sse).toContain('data: [DONE]');
  });

  it('cuts content to maxContentChars and says so', async () => {
    const { manager } = setup({ a: { reply: 'x'.repeat(500) } }, { recordContent: true, maxContentChars: 50 });
    await text((await manager.execute({ dialect: 'openai-chat', body: chat() })).body);
    const [request] = roots();
    expect(String(request!.attributes['switchyard.request.body'])).toHaveLength(50);
    expect(String(request!.attributes['switchyard.response.body'])).toHaveLength(50);
    expect(request!.attributes['switchyard.content.truncated']).toBe(true);
  });

  it('bounds the open requests and stops when detached', async () => {
    const { manager, stop } = setup({ a: { chunkDelayMs: 5 } }, { maxOpenRequests: 1 });
    const first = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    const second = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    // The first request's span made room for the second's.
    expect(roots()).toHaveLength(1);
    expect(roots()[0]!.attributes['switchyard.incomplete']).toBe(true);
    await text(first.body);
    await text(second.body);
    stop();
    exporter.reset();
    await text((await manager.execute({ dialect: 'openai-chat', body: chat() })).body);
    expect(spans()).toHaveLength(0);
  });

  it('names providers as the conventions spell them, keeping our id beside', async () => {
    const manager = new Manager({
      executors: [mockExecutor({ provider: 'gemini' })],
      credentials: [
        { id: 'g', provider: 'gemini', apiKey: 'AIza-secret-0123456789', models: [{ name: 'mock-model' }] },
      ],
    });
    instrumentTracing(manager, { tracer: provider.getTracer('switchyard') });
    await manager.execute({
      dialect: 'gemini',
      model: 'mock-model',
      body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    });
    for (const span of spans()) {
      expect(span.attributes['gen_ai.provider.name']).toBe('gcp.gemini');
      expect(span.attributes['switchyard.provider']).toBe('gemini');
    }
    expect(spans()).toHaveLength(2);
  });

  it('spans the sampler drops cost no attributes and export nothing', async () => {
    const unsampled = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { manager } = setup({ a: { statuses: [429] }, b: {} }, { tracerProvider: unsampled });
    await text((await manager.execute({ dialect: 'openai-chat', body: chat() })).body);
    expect(spans()).toHaveLength(0);
  });
});
