import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { serve } from '../../../test/fakes/fake-fixed-upstream.js';
import type { CanonicalResponse } from '../canonical.js';
import { geminiRequestToCanonical } from './convert-request.js';
import { geminiResponseFromCanonical, geminiResponseToCanonical, readGeminiUsage } from './convert-response.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/gemini/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('gemini responseToCanonical', () => {
  it('reads parallel function calls with stable ids, finish tool_calls and usage', () => {
    const { value } = geminiResponseToCanonical(fixture('function-call.response.json'));
    expect(value).toMatchObject({
      id: 'Xz9oaJ-uC5iD1MkP3NWo0Ak',
      model: 'gemini-2.5-flash',
      finishReason: 'tool_calls',
      content: [
        {
          type: 'tool-call',
          id: 'gemini_call_Xz9oaJ-uC5iD1MkP3NWo0Ak_0',
          name: 'find_theaters',
          arguments: '{"location":"Mountain View, CA","movie":"Barbie"}',
        },
        {
          type: 'tool-call',
          id: 'gemini_call_Xz9oaJ-uC5iD1MkP3NWo0Ak_1',
          name: 'find_theaters',
          arguments: '{"location":"San Jose, CA","movie":"Barbie"}',
        },
      ],
      // Output = candidates + thoughts; input includes the cached tokens.
      usage: { inputTokens: 120, outputTokens: 90, reasoningTokens: 50, cacheReadTokens: 64 },
    });
    // Same body, same ids: a second conversion (a retry, a replay) agrees.
    expect(geminiResponseToCanonical(fixture('function-call.response.json')).value.content).toEqual(value.content);
  });

  it('round-trips gemini → canonical → gemini without loss', () => {
    const body = fixture('function-call.response.json');
    expect(geminiResponseFromCanonical(geminiResponseToCanonical(body).value).value).toEqual(body);
  });

  it('maps a blocked prompt and safety stops to content_filter', () => {
    const blocked = geminiResponseToCanonical({
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata: { promptTokenCount: 5 },
    });
    expect(blocked.value.finishReason).toBe('content_filter');
    const recitation = geminiResponseToCanonical({
      candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'RECITATION' }],
    });
    expect(recitation.value.finishReason).toBe('content_filter');
  });

  it('keeps a thought signature on the call it signs', () => {
    const body = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'thinking...', thought: true },
              { functionCall: { name: 'f', args: {} }, thoughtSignature: 'SIG' },
              { text: 'done' },
              { text: '', thoughtSignature: 'SIG2' },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      modelVersion: 'gemini-3-pro-preview',
      responseId: 'r1',
    };
    const canonical = geminiResponseToCanonical(body).value;
    expect(canonical.content).toEqual([
      { type: 'reasoning', text: 'thinking...', signature: 'SIG', origin: 'gemini' },
      { type: 'tool-call', id: 'gemini_call_r1_0', name: 'f', arguments: '{}' },
      { type: 'text', text: 'done' },
      { type: 'reasoning', text: '', signature: 'SIG2', origin: 'gemini' },
    ]);
    expect(geminiResponseFromCanonical(canonical).value).toEqual(body);
  });

  it('readUsage reads usageMetadata', () => {
    expect(
      readGeminiUsage({ usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 } }),
    ).toEqual({
      inputTokens: 3,
      outputTokens: 4,
    });
    expect(readGeminiUsage({})).toBeUndefined();
  });
});

describe('gemini responseFromCanonical, judged by @google/genai', () => {
  it('gives the SDK the text, function calls, finish reason and usage', async () => {
    const canonical: CanonicalResponse = {
      id: 'msg_01',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'reasoning', text: 'Let me look.', signature: 'EqQBCkYI', origin: 'anthropic' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      finishReason: 'tool_calls',
      usage: { inputTokens: 10, outputTokens: 20, reasoningTokens: 5, cacheReadTokens: 4 },
    };
    const { value } = geminiResponseFromCanonical(canonical) as unknown as {
      value: { candidates: Array<{ content: { parts: unknown[] } }> };
    };
    const server = await serve(200, JSON.stringify(value), 'application/json');
    try {
      const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: server.url } });
      const res = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'weather?' });
      expect(res.text).toBe('Checking.');
      expect(res.functionCalls).toEqual([{ id: 'toolu_01', name: 'get_weather', args: { city: 'Paris' } }]);
      expect(res.candidates?.[0]?.finishReason).toBe('STOP');
      expect(res.usageMetadata).toMatchObject({
        promptTokenCount: 10,
        candidatesTokenCount: 15,
        thoughtsTokenCount: 5,
        cachedContentTokenCount: 4,
        totalTokenCount: 30,
      });
      // The Anthropic signature reaches the Gemini client tagged, so it is never replayed to Gemini.
      const thought = res.candidates?.[0]?.content?.parts?.[0];
      expect(thought).toMatchObject({ thought: true, text: 'Let me look.' });
      expect(res.candidates?.[0]?.content?.parts?.[1]?.thoughtSignature).toBe('sy1:anthropic:EqQBCkYI');
      // ...and when the client sends the turn back, the signature rejoins its thinking text.
      const next = geminiRequestToCanonical({
        contents: [{ role: 'model', parts: value.candidates[0]?.content.parts }],
      });
      expect(next.value.messages[0]?.content[0]).toEqual({
        type: 'reasoning',
        text: 'Let me look.',
        signature: 'EqQBCkYI',
        origin: 'anthropic',
      });
    } finally {
      await server.close();
    }
  });
});
