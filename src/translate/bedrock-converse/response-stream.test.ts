import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../canonical.js';
import { createStreamConverter } from '../stream-converter.js';
import { translateError, translateResponse } from '../translate.js';
import { createStreamDecoder } from './decode-stream.js';
import { createStreamEncoder } from './encode-stream.js';
import { bedrockConverseCodec as codec } from './index.js';

/** A ConverseStream in the executor's SSE form: one event per event-stream message, named by `:event-type`. */
function sse(events: Array<[string, unknown]>): string {
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

const TOOL_STREAM: Array<[string, unknown]> = [
  ['messageStart', { role: 'assistant', p: 'abcd' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } } }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'look.' } } }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'EqQBsig' } } }],
  ['contentBlockStop', { contentBlockIndex: 0 }],
  ['contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Checking' } }],
  ['contentBlockStop', { contentBlockIndex: 1 }],
  [
    'contentBlockStart',
    { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_abc', name: 'get_weather' } } },
  ],
  ['contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":' } } }],
  ['contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '"Paris"}' } } }],
  ['contentBlockStop', { contentBlockIndex: 2 }],
  ['messageStop', { stopReason: 'tool_use' }],
  [
    'metadata',
    {
      usage: {
        inputTokens: 10,
        outputTokens: 20,
        totalTokens: 130,
        cacheReadInputTokens: 100,
        cacheWriteInputTokens: 0,
      },
      metrics: { latencyMs: 321 },
    },
  ],
];

function decode(events: Array<[string, unknown]>): { parts: StreamPart[]; done: boolean } {
  const decoder = createStreamDecoder();
  const parts: StreamPart[] = [];
  for (const [event, data] of events) parts.push(...decoder.event({ event, data: JSON.stringify(data) }));
  return { parts, done: decoder.done };
}

describe('bedrock-converse answers', () => {
  it('reads a Converse answer with reasoning, text, a tool call, the stop reason and cache usage', () => {
    const { value } = codec.responseToCanonical({
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'hm', signature: 'sig' } } },
            { text: 'Hello' },
            { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } },
          ],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 7, totalTokens: 32, cacheReadInputTokens: 20 },
      metrics: { latencyMs: 100 },
    });
    expect(value).toEqual({
      id: '',
      model: '',
      content: [
        { type: 'reasoning', text: 'hm', signature: 'sig', origin: 'anthropic' },
        { type: 'text', text: 'Hello' },
        { type: 'tool-call', id: 't1', name: 'f', arguments: '{"a":1}' },
      ],
      finishReason: 'tool_calls',
      usage: { inputTokens: 25, outputTokens: 7, cacheReadTokens: 20 },
    });
  });

  it('writes a Converse answer that reads back the same', () => {
    const canonical = {
      id: 'x',
      model: 'm',
      content: [
        { type: 'text' as const, text: 'Hi' },
        { type: 'tool-call' as const, id: 't', name: 'f', arguments: '{"q":2}' },
      ],
      finishReason: 'tool_calls' as const,
      usage: { inputTokens: 30, outputTokens: 4, cacheWriteTokens: 10 },
    };
    const { value } = codec.responseFromCanonical(canonical);
    expect(value).toEqual({
      output: {
        message: {
          role: 'assistant',
          content: [{ text: 'Hi' }, { toolUse: { toolUseId: 't', name: 'f', input: { q: 2 } } }],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 20, outputTokens: 4, totalTokens: 34, cacheWriteInputTokens: 10 },
      metrics: { latencyMs: 0 },
    });
    expect(codec.responseToCanonical(value).value.content).toEqual(canonical.content);
  });

  it.each([
    ['end_turn', 'stop'],
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop_sequence'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['model_context_window_exceeded', 'length'],
    ['malformed_tool_use', 'error'],
  ])('maps stopReason %s to %s', (stopReason, finish) => {
    expect(codec.responseToCanonical({ output: { message: { content: [] } }, stopReason }).value.finishReason).toBe(
      finish,
    );
  });

  it('becomes an OpenAI Chat completion', () => {
    const { value } = translateResponse({
      from: 'bedrock-converse',
      to: 'openai-chat',
      body: {
        output: { message: { role: 'assistant', content: [{ text: 'Bonjour' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      },
      now: () => 1_700_000_000_000,
      generateId: (p) => `${p}1`,
    });
    expect(value).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Bonjour' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
  });
});

describe('bedrock-converse streams', () => {
  it('decodes reasoning with its signature, text, a tool call, the stop and the usage', () => {
    const { parts, done } = decode(TOOL_STREAM);
    expect(done).toBe(true);
    expect(parts).toEqual([
      { type: 'start', id: '', model: '' },
      { type: 'reasoning-delta', text: 'Let me ', origin: 'anthropic' },
      { type: 'reasoning-delta', text: 'look.', origin: 'anthropic' },
      { type: 'reasoning-signature', signature: 'EqQBsig', origin: 'anthropic' },
      { type: 'block-end' },
      { type: 'text-delta', text: 'Checking' },
      { type: 'block-end' },
      { type: 'tool-call-start', index: 0, id: 'tooluse_abc', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 110, outputTokens: 20, cacheReadTokens: 100, cacheWriteTokens: 0 } },
    ]);
  });

  it('decodes an in-stream exception as an error with its kind', () => {
    const { parts, done } = decode([
      ['messageStart', { role: 'assistant' }],
      ['throttlingException', { message: 'Too many tokens, please wait before trying again.' }],
    ]);
    expect(done).toBe(false);
    expect(parts[1]).toEqual({
      type: 'error',
      error: {
        status: 429,
        kind: 'rate_limited',
        message: 'Too many tokens, please wait before trying again.',
        providerCode: 'ThrottlingException',
      },
    });
  });

  it('becomes an Anthropic Messages stream with the thinking signature and cache usage', () => {
    const converter = createStreamConverter({
      from: 'bedrock-converse',
      to: 'anthropic-messages',
      generateId: (p) => `${p}1`,
    });
    const out = new TextDecoder().decode(
      Buffer.concat([
        converter.transform(new TextEncoder().encode(sse(TOOL_STREAM))) ?? new Uint8Array(),
        converter.flush() ?? new Uint8Array(),
      ]),
    );
    expect(converter.completed).toBe(true);
    expect(out).toContain('"signature_delta","signature":"EqQBsig"');
    expect(out).toContain('"type":"tool_use","id":"tooluse_abc","name":"get_weather"');
    expect(out).toContain('"stop_reason":"tool_use"');
    expect(out).toContain('"cache_read_input_tokens":100');
    expect(out.trimEnd().endsWith('event: message_stop\ndata: {"type":"message_stop"}')).toBe(true);
  });

  it('encodes canonical parts as the ConverseStream grammar, which decodes back to them', () => {
    const encoder = createStreamEncoder();
    const { parts } = decode(TOOL_STREAM);
    let text = '';
    for (const part of parts) text += encoder.encode(part);
    text += encoder.end();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map(
      (m) => [m[1]!, JSON.parse(m[2]!)] as [string, unknown],
    );
    expect(events.map(([name]) => name)).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'contentBlockDelta',
      'contentBlockStop',
      'contentBlockStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(decode(events).parts).toEqual(parts);
  });

  it('ends an early stream with an exception event', () => {
    const encoder = createStreamEncoder();
    encoder.encode({ type: 'text-delta', text: 'a' });
    expect(encoder.end({ status: 502, kind: 'upstream_error', message: 'ended early' })).toBe(
      'event: internalServerException\ndata: {"message":"ended early"}\n\n',
    );
  });
});

describe('bedrock-converse errors', () => {
  it.each([
    ['ThrottlingException', 429, 'rate_limited'],
    ['ServiceQuotaExceededException', 400, 'rate_limited'],
    ['ModelNotReadyException', 429, 'overloaded'],
    ['ValidationException', 400, 'invalid_request'],
    ['AccessDeniedException', 403, 'forbidden'],
    ['UnrecognizedClientException', 403, 'unauthorized'],
    ['ResourceNotFoundException', 404, 'not_found'],
    ['ModelTimeoutException', 408, 'timeout'],
  ])('reads %s (%i) as %s', (type, status, kind) => {
    const error = codec.errorToCanonical(
      status,
      { message: 'm' },
      { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
    );
    expect(error).toEqual({ status, message: 'm', kind, providerCode: type });
  });

  it('renders as the caller dialect, keeping the exception in a body-only round trip', () => {
    const rendered = codec.errorFromCanonical({ status: 429, kind: 'rate_limited', message: 'slow down' });
    expect(rendered).toEqual({ status: 429, body: { message: 'slow down', __type: 'ThrottlingException' } });
    const openai = translateError({
      from: 'bedrock-converse',
      to: 'openai-chat',
      status: 400,
      body: { message: 'quota', __type: 'ServiceQuotaExceededException' },
    });
    expect(openai.body).toMatchObject({ error: { message: 'quota' } });
    expect(codec.errorToCanonical(400, rendered.body).kind).toBe('rate_limited');
  });
});
