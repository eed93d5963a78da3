import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { serve } from '../../../test/fakes/fake-fixed-upstream.js';
import type { StreamPart } from '../canonical.js';
import { createGeminiStreamDecoder } from './decode-stream.js';
import { createGeminiStreamEncoder } from './encode-stream.js';

const parts: StreamPart[] = [
  { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5' },
  { type: 'reasoning-delta', text: 'Thinking', origin: 'anthropic' },
  { type: 'reasoning-signature', signature: 'EqQB', origin: 'anthropic' },
  { type: 'block-end' },
  { type: 'text-delta', text: 'Hello' },
  { type: 'text-delta', text: ', world' },
  { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'usage', usage: { inputTokens: 12, outputTokens: 3 } },
  { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 12, outputTokens: 30, reasoningTokens: 10 } },
];

function encodeAll(list: StreamPart[], endError?: boolean): string {
  const encoder = createGeminiStreamEncoder();
  let out = '';
  for (const part of list) out += encoder.encode(part);
  return out + encoder.end(endError ? { status: 502, kind: 'upstream_error', message: 'cut off' } : undefined);
}

async function sdkStream(body: string) {
  const server = await serve(200, body, 'text/event-stream');
  try {
    const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: server.url } });
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' }))
      chunks.push(chunk);
    return { chunks, path: server.requests[0]?.path };
  } finally {
    await server.close();
  }
}

describe('gemini stream encoder, judged by @google/genai', () => {
  it('streams text, a whole function call, finish reason and usage the SDK understands', async () => {
    const { chunks, path } = await sdkStream(encodeAll(parts));
    expect(path).toContain(':streamGenerateContent?alt=sse');
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('Hello, world');
    expect(chunks.flatMap((c) => c.functionCalls ?? [])).toEqual([
      { id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } },
    ]);
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toEqual({
      promptTokenCount: 12,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 10,
      totalTokenCount: 42,
    });
    expect(chunks.every((c) => c.responseId === 'msg_1' && c.modelVersion === 'claude-sonnet-4-5')).toBe(true);
    // Foreign signature: tagged, on the part after the thought.
    expect(chunks[1]?.candidates?.[0]?.content?.parts?.[0]).toEqual({
      text: 'Hello',
      thoughtSignature: 'sy1:anthropic:EqQB',
    });
  });

  it('puts usage that arrives after the finish (OpenAI chat order) on the last chunk', () => {
    const body = encodeAll([
      { type: 'start', id: 'chatcmpl-1', model: 'gpt-4o-mini' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'finish', finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 9, outputTokens: 2, cacheReadTokens: 4 } },
    ]);
    const last = JSON.parse(body.trimEnd().split('\n').at(-1)!.slice('data: '.length));
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toEqual({
      promptTokenCount: 9,
      candidatesTokenCount: 2,
      totalTokenCount: 11,
      cachedContentTokenCount: 4,
    });
  });

  it('ends a stream cut short with an error object, which the SDK raises', async () => {
    const body = encodeAll(parts.slice(0, 6), true);
    expect(body.trimEnd().split('\n').at(-1)).toBe(
      'data: {"error":{"code":502,"message":"cut off","status":"INTERNAL"}}',
    );
    await expect(sdkStream(body)).rejects.toThrow(/502/);
  });

  it('re-encodes a decoded Gemini stream to the same chunks', () => {
    const source = readFileSync(
      new URL('../../../test/fixtures/gemini/thinking-function-call.stream.txt', import.meta.url),
      'utf8',
    );
    const decoder = createGeminiStreamDecoder();
    const encoder = createGeminiStreamEncoder();
    let out = '';
    createParser({
      onEvent: (e) => {
        for (const p of decoder.event({ data: e.data })) out += encoder.encode(p);
      },
    }).feed(source);
    out += encoder.end();
    const chunks = out
      .trim()
      .split('\n\n')
      .map((line) => JSON.parse(line.slice('data: '.length)));
    expect(chunks).toEqual([
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: '**Checking the weather**\n\nThe user wants the weather in Paris.', thought: true }],
            },
            index: 0,
          },
        ],
        modelVersion: 'gemini-2.5-pro',
        responseId: 'Kc1naMK1Bf-sz7IPwrrsuAk',
      },
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                {
                  functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } },
                  thoughtSignature: 'CiIBVKhc7oDhXy5lj0Z6tFgSvqpp2ZR2mvGNMZXT',
                },
              ],
            },
            index: 0,
          },
        ],
        modelVersion: 'gemini-2.5-pro',
        responseId: 'Kc1naMK1Bf-sz7IPwrrsuAk',
      },
      {
        candidates: [{ finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: 64,
          candidatesTokenCount: 18,
          thoughtsTokenCount: 130,
          totalTokenCount: 212,
        },
        modelVersion: 'gemini-2.5-pro',
        responseId: 'Kc1naMK1Bf-sz7IPwrrsuAk',
      },
    ]);
  });
});
