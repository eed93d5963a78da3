/// <reference types="vite/client" />
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import reasoningSse from '../../../test/fixtures/openai-responses/reasoning.stream.txt?raw';
import textSse from '../../../test/fixtures/openai-responses/text.stream.txt?raw';
import type { CanonicalError, StreamPart } from '../canonical.js';
import { createStreamDecoder } from './decode-stream.js';
import { createStreamEncoder } from './encode-stream.js';

function decode(sse: string): StreamPart[] {
  const decoder = createStreamDecoder();
  const parts: StreamPart[] = [];
  const parser = createParser({ onEvent: (event) => parts.push(...decoder.event({ data: event.data })) });
  parser.feed(sse);
  return parts;
}

function encode(parts: StreamPart[], error?: CanonicalError): string {
  const encoder = createStreamEncoder();
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end(error);
}

/** An OpenAI SDK client whose every request is answered with `sse`, without network. */
function clientFor(sse: string): OpenAI {
  return new OpenAI({
    apiKey: 'x',
    maxRetries: 0,
    fetch: async () =>
      new Response(new TextEncoder().encode(sse), { headers: { 'content-type': 'text/event-stream' } }),
  });
}

function events(sse: string): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  const out: Array<{ event: string | undefined; data: Record<string, unknown> }> = [];
  createParser({ onEvent: (event) => out.push({ event: event.event, data: JSON.parse(event.data) }) }).feed(sse);
  return out;
}

const usage = { inputTokens: 20, outputTokens: 30, cacheReadTokens: 5, reasoningTokens: 10 };
const textParts: StreamPart[] = [
  { type: 'start', id: 'resp_abc', model: 'gpt-4.1', created: 1700000000 },
  { type: 'text-delta', text: 'Hello' },
  { type: 'text-delta', text: ', world' },
  { type: 'finish', finishReason: 'stop' },
  { type: 'usage', usage },
];

describe('openai-responses stream encoder', () => {
  it('follows the grammar: event lines equal types, sequence numbers count from 0, indexes agree', () => {
    const out = events(encode(textParts));
    expect(out.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    out.forEach((event, i) => {
      expect(event.data.type).toBe(event.event);
      expect(event.data.sequence_number).toBe(i);
    });
    const itemId = (out[2]!.data.item as { id: string }).id;
    for (const event of out.slice(3, 8))
      expect(event.data).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0 });
  });

  it('is read by the OpenAI SDK: text, status and usage (usage arriving after the finish)', async () => {
    const stream = clientFor(encode(textParts)).responses.stream({ model: 'gpt-4.1', input: 'Hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(deltas).toEqual(['Hello', ', world']);
    expect(response.output_text).toBe('Hello, world');
    expect(response.status).toBe('completed');
    expect(response.id).toBe('resp_abc');
    expect(response.usage).toEqual({
      input_tokens: 20,
      input_tokens_details: { cached_tokens: 5 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 50,
    });
  });

  it('gives the SDK the same final response however the text is chunked', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const final = async (chunks: string[]) => {
      const parts: StreamPart[] = [
        { type: 'start', id: 'resp_1', model: 'm', created: 1 },
        ...chunks.map((chunk): StreamPart => ({ type: 'text-delta', text: chunk })),
        { type: 'finish', finishReason: 'stop', usage },
      ];
      return clientFor(encode(parts)).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    };
    const whole = await final([text]);
    expect(await final([...text])).toEqual(whole);
    expect(await final(text.split(' ').map((word, i) => (i === 0 ? word : ` ${word}`)))).toEqual(whole);
    expect(whole.output_text).toBe(text);
  });

  it('streams function calls the SDK accumulates, with status in_progress on added', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'resp_t', model: 'gpt-4.1', created: 1 },
      { type: 'text-delta', text: 'Checking.' },
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      {
        type: 'tool-call-start',
        index: 1,
        id: 'call_b',
        name: 'get_time',
        providerMetadata: { 'openai-responses': { itemId: 'fc_kept' } },
      },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'finish', finishReason: 'tool_calls', usage },
    ];
    const sse = encode(parts);
    const added = events(sse).filter((event) => event.event === 'response.output_item.added');
    expect(added.map((event) => event.data.output_index)).toEqual([0, 1, 2]);
    expect(added[1]!.data.item).toMatchObject({ type: 'function_call', status: 'in_progress', call_id: 'call_a' });

    const seen: string[] = [];
    for await (const event of await clientFor(sse).responses.create({ model: 'gpt-4.1', input: 'x', stream: true })) {
      if (event.type === 'response.function_call_arguments.done') seen.push(`${event.name}:${event.arguments}`);
    }
    expect(seen).toEqual(['get_weather:{"city":"Paris"}', 'get_time:{}']);

    const response = await clientFor(sse).responses.stream({ model: 'gpt-4.1', input: 'x' }).finalResponse();
    expect(response.output_text).toBe('Checking.');
    const calls = response.output.filter((item) => item.type === 'function_call');
    expect(calls).toEqual([
      expect.objectContaining({
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      }),
      expect.objectContaining({ id: 'fc_kept', call_id: 'call_b', name: 'get_time', arguments: '{}' }),
    ]);
  });

  it("re-encodes OpenAI's own streams so they decode to the same parts and the SDK sees the same answer", async () => {
    for (const fixture of [textSse, reasoningSse]) {
      const parts = decode(fixture);
      const again = encode(parts);
      expect(decode(again)).toEqual(parts);
      const original = await clientFor(fixture).responses.stream({ model: 'm', input: 'x' }).finalResponse();
      const ours = await clientFor(again).responses.stream({ model: 'm', input: 'x' }).finalResponse();
      expect(ours.output_text).toBe(original.output_text);
      expect(ours.usage).toEqual(original.usage);
      expect(ours.status).toBe('completed');
    }
  });

  it('puts the signature in encrypted_content, tagged when it comes from another family', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'resp_r', model: 'claude', created: 1 },
      { type: 'reasoning-delta', text: 'Let me think.', origin: 'anthropic' },
      { type: 'reasoning-signature', signature: 'EqQBCkYIBxgCKkB', origin: 'anthropic' },
      { type: 'block-end' },
      { type: 'text-delta', text: '4' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const sse = encode(parts);
    const response = await clientFor(sse).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    expect(response.output[0]).toEqual({
      id: expect.any(String),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Let me think.' }],
      encrypted_content: 'sy1:anthropic:EqQBCkYIBxgCKkB',
    });
    expect(decode(sse)).toContainEqual({
      type: 'reasoning-signature',
      signature: 'EqQBCkYIBxgCKkB',
      origin: 'anthropic',
    });
  });

  it('ends a length finish with response.incomplete', async () => {
    const sse = encode([
      { type: 'start', id: 'resp_l', model: 'm', created: 1 },
      { type: 'text-delta', text: 'Once upon' },
      { type: 'finish', finishReason: 'length', usage },
    ]);
    expect(events(sse).at(-1)!.event).toBe('response.incomplete');
    const response = await clientFor(sse).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('ends an interrupted stream with error + response.failed, which the SDK raises', async () => {
    const sse = encode(
      [
        { type: 'start', id: 'resp_e', model: 'm', created: 1 },
        { type: 'text-delta', text: 'Half' },
      ],
      {
        status: 502,
        kind: 'upstream_error',
        message: 'The upstream stream ended early',
      },
    );
    const out = events(sse);
    expect(out.slice(-2).map((event) => event.event)).toEqual(['error', 'response.failed']);
    expect(out.at(-2)!.data).toMatchObject({
      type: 'error',
      message: 'The upstream stream ended early',
      code: 'server_error',
    });
    expect(out.at(-1)!.data.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    await expect(clientFor(sse).responses.stream({ model: 'm', input: 'x' }).finalResponse()).rejects.toThrow(
      /ended early/,
    );
    // Even with nothing streamed yet, the client gets a well-formed stream that fails.
    const empty = encode([], { status: 502, kind: 'upstream_error', message: 'gone' });
    expect(events(empty).map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'error',
      'response.failed',
    ]);
  });

  it('emits nothing after the terminal event', () => {
    const encoder = createStreamEncoder();
    encoder.encode({ type: 'error', error: { status: 429, kind: 'rate_limited', message: 'slow' } });
    expect(encoder.encode({ type: 'text-delta', text: 'late' })).toBe('');
    expect(encoder.end()).toBe('');
  });
});
