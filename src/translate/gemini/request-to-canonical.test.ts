import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../core/errors.js';
import type { CanonicalRequest } from '../canonical.js';
import { SKIP_SIGNATURE } from './convert-parts.js';
import { geminiRequestFromCanonical, geminiRequestToCanonical } from './convert-request.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/gemini/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('gemini requestToCanonical', () => {
  it('reads the documented request shape into the canonical form', () => {
    const { value, warnings } = geminiRequestToCanonical(fixture('tools.request.json'));
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
    const canonical = geminiRequestToCanonical(body).value;
    const { value } = geminiRequestFromCanonical(canonical, { targetProvider: 'gemini' });
    expect(value).toEqual(body);
  });

  it('accepts the snake_case field names of Google REST examples', () => {
    const { value } = geminiRequestToCanonical({
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
      geminiRequestToCanonical({ contents: [], generationConfig: { thinkingConfig } }).value;
    expect(read({ thinkingBudget: 0 }).reasoning).toEqual({ enabled: false, effort: 'none', budgetTokens: 0 });
    const dynamic = read({ thinkingBudget: -1 });
    expect(dynamic.reasoning).toEqual({ enabled: true, effort: 'medium' });
    expect(geminiRequestFromCanonical(dynamic, {}).value.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: -1 },
    });
    const level = read({ thinkingLevel: 'high' });
    expect(geminiRequestFromCanonical(level, {}).value.generationConfig).toEqual({
      thinkingConfig: { thinkingLevel: 'high' },
    });
  });

  it('rejects bodies it cannot read with InvalidRequestError naming the field', () => {
    expect(() => geminiRequestToCanonical({})).toThrow(/'contents'/);
    expect(() => geminiRequestToCanonical({ contents: [{ role: 'system', parts: [] }] })).toThrow(
      /contents\[0\]\.role/,
    );
    expect(() => geminiRequestToCanonical({ contents: [], generationConfig: { temperature: 'hot' } })).toThrow(
      InvalidRequestError,
    );
  });

  it('never throws anything but InvalidRequestError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (contents, config) => {
        for (const body of [{ contents }, { contents: [contents], generationConfig: config, tools: [config] }]) {
          try {
            geminiRequestToCanonical(body as Record<string, unknown>);
          } catch (error) {
            if (!(error instanceof InvalidRequestError)) throw error;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('gemini requestFromCanonical', () => {
  const base: CanonicalRequest = { messages: [] };

  it('hoists system messages, merges same-role turns and names function responses', () => {
    const { value, warnings } = geminiRequestFromCanonical(
      {
        ...base,
        model: 'gemini-2.5-pro',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'A' }] },
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          { role: 'system', content: [{ type: 'text', text: 'B' }] },
          { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'data:image/png;base64,AAAA' } }] },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: 'not json' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: 'boom', isError: true }] },
        ],
      },
      { targetProvider: 'gemini' },
    );
    expect(value.model).toBeUndefined();
    expect(value.systemInstruction).toEqual({ parts: [{ text: 'A' }, { text: 'B' }] });
    expect(value.contents).toEqual([
      { role: 'user', parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
      // An id Gemini did not issue still pairs call and response; the call gets the documented stand-in signature.
      {
        role: 'model',
        parts: [{ functionCall: { name: 'lookup', args: { q: 'x' }, id: 'call_1' }, thoughtSignature: SKIP_SIGNATURE }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_1', name: 'lookup', response: { output: 'not json' } } },
          { functionResponse: { id: 'call_1', name: 'lookup', response: { error: 'boom' } } },
        ],
      },
    ]);
    expect(warnings.map((w) => w.code)).toContain('system-hoisted');
  });

  it('never sends another provider’s signature: drops it, or sends the text with foreignThinking text', () => {
    const request: CanonicalRequest = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'claude thinks', signature: 'EqQB', origin: 'anthropic' },
            { type: 'reasoning', text: '', redactedData: 'xyz', origin: 'anthropic' },
            { type: 'text', text: 'answer' },
          ],
        },
      ],
    };
    const dropped = geminiRequestFromCanonical(request, { targetProvider: 'gemini' });
    expect(dropped.value.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'answer' }] },
    ]);
    expect(dropped.warnings.map((w) => w.code)).toContain('foreign-thinking-dropped');
    const asText = geminiRequestFromCanonical(request, { foreignThinking: 'text' });
    expect(asText.value.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'claude thinks' }, { text: 'answer' }] },
    ]);
    expect(JSON.stringify(asText.value)).not.toContain('EqQB');
  });

  it('puts a Gemini signature back on the function call it came with', () => {
    const { value } = geminiRequestFromCanonical(
      {
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: '', signature: 'sig', origin: 'gemini' },
              { type: 'tool-call', id: 'gemini_call_0_0', name: 'f', arguments: '' },
            ],
          },
        ],
      },
      {},
    );
    expect(value.contents).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'sig' }] },
    ]);
  });

  it('reduces tool schemas and sanitises names, with warnings', () => {
    const { value, warnings } = geminiRequestFromCanonical(
      {
        messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
        tools: [
          {
            name: 'github/create issue',
            parameters: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              additionalProperties: false,
              properties: { title: { $ref: '#/$defs/Title' }, n: { type: 'integer', enum: [1, 2] } },
              required: ['title', 'missing'],
              $defs: { Title: { type: 'string', const: 'bug', format: 'email' } },
            },
          },
          { name: 'noop', parameters: { type: 'object', properties: {} } },
        ],
        toolChoice: { type: 'tool', name: 'github/create issue' },
      },
      {},
    );
    expect(value.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'github_create_issue',
            parameters: {
              type: 'OBJECT',
              properties: {
                title: { type: 'STRING', enum: ['bug'] },
                n: { type: 'INTEGER', description: 'Allowed values: 1, 2' },
              },
              required: ['title'],
            },
          },
          { name: 'noop' },
        ],
      },
    ]);
    expect(value.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['github_create_issue'] },
    });
    expect(warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['renamed-tool', 'schema-reduced']));
  });

  it('writes response format and reasoning effort', () => {
    const { value } = geminiRequestFromCanonical(
      {
        messages: [],
        responseFormat: { type: 'json', schema: { type: 'object', properties: { a: { type: ['number', 'null'] } } } },
        reasoning: { enabled: true, effort: 'high', includeThoughts: true },
      },
      {},
    );
    expect(value.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { a: { type: 'NUMBER', nullable: true } } },
      thinkingConfig: { thinkingBudget: 24576, includeThoughts: true },
    });
  });
});
