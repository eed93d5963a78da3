/// <reference types="vite/client" />
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import toolSse from '../../../test/fixtures/openai-chat/tool-calls.stream.txt?raw';
import type { StreamPart } from '../canonical.js';
import { createStreamDecoder } from './decode-stream.js';
import { createStreamEncoder } from './encode-stream.js';

const START: StreamPart = { type: 'start', id: 'chatcmpl-1', model: 'gpt-4.1', created: 1700000000 };
const USAGE = { inputTokens: 120, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 5, reasoningTokens: 12 };

function encode(
  parts: StreamPart[],
  includeUsage = true,
  error?: Parameters<ReturnType<typeof createStreamEncoder>['end']>[0],
) {
  const encoder = createStreamEncoder({ includeUsage });
  return parts.map((p) => encoder.encode(p)).join('') + encoder.end(error);
}

/** The `data:` payloads of SSE text, each JSON-parsed except `[DONE]`. */
function events(sse: string): unknown[] {
  const out: unknown[] = [];
  const parser = createParser({ onEvent: (e) => out.push(e.data === '[DONE]' ? e.data : JSON.parse(e.data)) });
  parser.feed(sse);
  return out;
}

/** The official SDK, fed `sse` as the response to a streaming call: the judge of our grammar. */
function sdk(sse: string): OpenAI {
  return new OpenAI({
    apiKey: 'x',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
}

describe('openai-chat stream encoder', () => {
  it("emits OpenAI's chunk grammar: role chunk, deltas, finish chunk, usage chunk, [DONE]", () => {
    const sse = encode([
      START,
      { type: 'text-delta', text: 'Hi "there"' },
      { type: 'finish', finishReason: 'stop', usage: USAGE },
    ]);
    const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4.1' };
    const choice = (delta: object, finish: string | null = null) => ({
      ...head,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      usage: null,
    });
    expect(events(sse)).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hi "there"' }),
      choice({}, 'stop'),
      {
        ...head,
        choices: [],
        usage: {
          // Cache writes are already inside the canonical input count, as in prompt_tokens.
          prompt_tokens: 120,
          completion_tokens: 40,
          total_tokens: 160,
          prompt_tokens_details: { cached_tokens: 100 },
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      },
      '[DONE]',
    ]);
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('is accepted by the openai SDK: text, reasoning, two tool calls, finish and usage', async () => {
    const sse = encode([
      START,
      { type: 'reasoning-delta', text: 'think', origin: 'anthropic' },
      { type: 'reasoning-signature', signature: 'sig', origin: 'anthropic' },
      { type: 'block-end' },
      { type: 'text-delta', text: 'Let me check.' },
      { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'toolu_2', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'usage', usage: USAGE },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    const stream = sdk(sse).chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me check.');
    expect(choice.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    // DeepSeek's field rides through the SDK untouched; the Anthropic signature has no place in Chat.
    expect((choice.message as { reasoning_content?: string }).reasoning_content).toBe('think');
    expect(JSON.stringify(final)).not.toContain('sig');
    expect(final.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 });
    expect(final.id).toBe('chatcmpl-1');
  });

  it('is accepted by the SDK for a stream that opens with a tool call and has no start part', async () => {
    const sse = encode([
      { type: 'tool-call-start', index: 3, id: 'call_9', name: 'lookup' },
      { type: 'tool-call-delta', index: 3, argumentsDelta: '{"q":1}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    const final = await sdk(sse)
      .chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
      .finalChatCompletion();
    expect(final.id).toMatch(/^chatcmpl-/);
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toMatchObject({ name: 'lookup', arguments: '{"q":1}' });
  });

  it('makes the SDK throw when the stream ends without a finish', async () => {
    const sse = encode([START, { type: 'text-delta', text: 'half an ans' }], true, {
      status: 529,
      kind: 'overloaded',
      message: 'Overloaded',
    });
    expect(events(sse).slice(-2)).toEqual([
      { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' } },
      '[DONE]',
    ]);
    const stream = await sdk(sse).chat.completions.create({ model: 'm', messages: [], stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow(/Overloaded/);
    expect(seen.join('')).toBe('half an ans');
  });

  it('passes an error part through once and ignores what follows', () => {
    const encoder = createStreamEncoder();
    const out =
      encoder.encode(START) +
      encoder.encode({ type: 'error', error: { status: 429, kind: 'rate_limited', message: 'slow down' } }) +
      encoder.encode({ type: 'text-delta', text: 'late' }) +
      encoder.end();
    expect(events(out).slice(1)).toEqual([
      { error: { message: 'slow down', type: 'rate_limit_exceeded', param: null, code: 'rate_limit_exceeded' } },
      '[DONE]',
    ]);
    expect(encoder.end()).toBe('');
  });

  it('omits the usage chunk and the usage: null field when includeUsage is false', () => {
    const sse = encode(
      [START, { type: 'text-delta', text: 'a' }, { type: 'finish', finishReason: 'length', usage: USAGE }],
      false,
    );
    const all = events(sse);
    expect(all).toHaveLength(4);
    expect(sse).not.toContain('usage');
    expect(all[2]).toMatchObject({ choices: [{ finish_reason: 'length' }] });
  });

  it('closes a stream whose upstream ended cleanly without a finish reason as stop', async () => {
    const sse = encode([START, { type: 'text-delta', text: 'ok' }]);
    const final = await sdk(sse).chat.completions.stream({ model: 'm', messages: [] }).finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('re-encodes a decoded OpenAI stream so the SDK reads the same completion', async () => {
    const decoder = createStreamDecoder();
    const encoder = createStreamEncoder();
    let out = '';
    createParser({
      onEvent: (e) => {
        for (const part of decoder.event({ data: e.data })) out += encoder.encode(part);
      },
    }).feed(toolSse);
    out += encoder.end();
    const run = (sse: string) => sdk(sse).chat.completions.stream({ model: 'm', messages: [] }).finalChatCompletion();
    const [original, ours] = await Promise.all([run(toolSse), run(out)]);
    expect(ours.choices[0]!.message.tool_calls).toEqual(original.choices[0]!.message.tool_calls);
    expect(ours.choices[0]!.finish_reason).toBe(original.choices[0]!.finish_reason);
    expect(ours.usage).toMatchObject({ prompt_tokens: 58, completion_tokens: 31, total_tokens: 89 });
    expect(ours.id).toBe(original.id);
  });

  it('never emits malformed JSON, whatever the strings hold', () => {
    const nasty = '"\\\n\u2028</script>\u0000💥';
    const sse = encode([
      { type: 'start', id: nasty, model: nasty },
      { type: 'text-delta', text: nasty },
      { type: 'tool-call-start', index: 0, id: nasty, name: nasty },
      { type: 'tool-call-delta', index: 0, argumentsDelta: nasty },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(() => events(sse)).not.toThrow();
    expect(events(sse)).toHaveLength(6);
  });
});
