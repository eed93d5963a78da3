import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../core/errors.js';
import { requestFromCanonical } from './request-from-canonical.js';
import { requestToCanonical } from './request-to-canonical.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/gemini/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('gemini requestToCanonical', () => {
  it('reads the documented request shape into the canonical form', () => {
    const { value, warnings } = requestToCanonical(fixture('tools.request.json'));
    expect(value.model).toBeUndefined();
    expect(value.messages[0]).toEqual({
      role: 'system',
      content: [{ type: 'text', text: 'You are a helpful assistant.' }],
    });
    expect(value.messages[2]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I will check.', signature: 'CiIBVKhc7oDhXy5lj0Z6', origin: 'gemini' },
        { type: 'tool-call', id: 'gemini_call_1_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool-call', id: 'gemini_call_1_2', name: 'get_weather', arguments: '{"city":"Boston"}' },
      ],
    });
    // Responses without ids find their calls in order.
    expect(value.messages[3]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'gemini_call_1_1',
          name: 'get_weather',
          content: '{"temperature":21,"sky":"clear"}',
        },
        { type: 'tool-result', toolCallId: 'gemini_call_1_2', name: 'get_weather', content: 'Rain, 12C' },
      ],
    });
    expect(value.messages[4]?.content).toEqual([
      { type: 'text', text: 'And this picture?' },
      { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      {
        type: 'file',
        source: { type: 'url', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc-123' },
        mediaType: 'application/pdf',
      },
    ]);
    expect(value.tools?.[0]?.parameters).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'The city' },
        unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
    });
    expect(value.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(value).toMatchObject({
      temperature: 0.4,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 1024,
      stopSequences: ['END'],
      seed: 7,
    });
    expect(value.reasoning).toEqual({ enabled: true, effort: 'low', budgetTokens: 2048, includeThoughts: true });
    expect(value.providerMetadata?.gemini).toMatchObject({
      extra: { cachedContent: 'cachedContents/abc' },
      tools: [{ googleSearch: {} }],
      generationConfig: { responseModalities: ['TEXT'] },
    });
    expect(warnings.map((w) => w.code)).toContain('unsupported-tool');
  });

  it('round-trips gemini → canonical → gemini without loss', () => {
    const body = fixture('tools.request.json');
    const canonical = requestToCanonical(body).value;
    const { value } = requestFromCanonical(canonical, { targetProvider: 'gemini' });
    expect(value).toEqual(body);
  });

  it('accepts the snake_case field names of Google REST examples', () => {
    const { value } = requestToCanonical({
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ parts: [{ text: 'Hi' }, { inline_data: { mime_type: 'image/jpeg', data: 'AAAA' } }] }],
      generation_config: { max_output_tokens: 10, thinking_config: { thinking_level: 'LOW' } },
    });
    expect(value.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'image', source: { type: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
        ],
      },
    ]);
    expect(value.maxOutputTokens).toBe(10);
    expect(value.reasoning).toEqual({ enabled: true, effort: 'low' });
  });

  it('maps thinking budgets through the shared table', () => {
    const read = (thinkingConfig: Record<string, unknown>) =>
      requestToCanonical({ contents: [], generationConfig: { thinkingConfig } }).value;
    expect(read({ thinkingBudget: 0 }).reasoning).toEqual({ enabled: false, effort: 'none', budgetTokens: 0 });
    const dynamic = read({ thinkingBudget: -1 });
    expect(dynamic.reasoning).toEqual({ enabled: true, effort: 'medium' });
    expect(requestFromCanonical(dynamic, {}).value.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: -1 },
    });
    const level = read({ thinkingLevel: 'high' });
    expect(requestFromCanonical(level, {}).value.generationConfig).toEqual({
      thinkingConfig: { thinkingLevel: 'high' },
    });
  });

  it('rejects bodies it cannot read with InvalidRequestError naming the field', () => {
    expect(() => requestToCanonical({})).toThrow(/'contents'/);
    expect(() => requestToCanonical({ contents: [{ role: 'system', parts: [] }] })).toThrow(/contents\[0\]\.role/);
    expect(() => requestToCanonical({ contents: [], generationConfig: { temperature: 'hot' } })).toThrow(
      InvalidRequestError,
    );
  });

  it('never throws anything but InvalidRequestError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (contents, config) => {
        for (const body of [{ contents }, { contents: [contents], generationConfig: config, tools: [config] }]) {
          try {
            requestToCanonical(body as Record<string, unknown>);
          } catch (error) {
            if (!(error instanceof InvalidRequestError)) throw error;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
