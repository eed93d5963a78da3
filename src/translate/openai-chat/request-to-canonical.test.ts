import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import full from '../../../test/fixtures/openai-chat/full.request.json' with { type: 'json' };
import { InvalidRequestError } from '../../core/errors.js';
import type { CanonicalRequest } from '../canonical.js';
import { requestFromCanonical } from './request-from-canonical.js';
import { requestToCanonical } from './request-to-canonical.js';

const toCanonical = (body: Record<string, unknown>) => requestToCanonical(body).value;

describe('openai-chat request → canonical', () => {
  it('reads every documented field of a full request', () => {
    const { value, warnings } = requestToCanonical(structuredClone(full));
    expect(warnings).toEqual([]);
    expect(value.messages[0]).toEqual({
      role: 'system',
      content: [{ type: 'text', text: 'You are terse.' }],
      providerMetadata: { 'openai-chat': { role: 'developer' } },
    });
    expect(value.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this image, and what is the weather there?' },
        { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, detail: 'high' },
        { type: 'image', source: { type: 'url', url: 'https://example.com/paris.jpg' } },
        { type: 'file', source: { type: 'base64', mediaType: 'audio/wav', data: 'UklGRg==' }, mediaType: 'audio/wav' },
        {
          type: 'file',
          source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
          mediaType: 'application/pdf',
          filename: 'notes.pdf',
        },
        { type: 'file', source: { type: 'file-id', fileId: 'file-abc123' } },
      ],
      providerMetadata: { 'openai-chat': { name: 'alice' } },
    });
    expect(value.messages[3]).toEqual({
      role: 'assistant',
      content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    expect(value.messages[4]).toEqual({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'get_weather', content: '18°C and sunny' }],
    });
    const { messages: _, ...rest } = value;
    expect(rest).toEqual({
      model: 'gpt-4.1',
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: full.tools[0]!.function.parameters,
          strict: true,
        },
      ],
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['\n\n', 'END'],
      seed: 42,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      responseFormat: { type: 'json', name: 'answer', schema: full.response_format.json_schema.schema, strict: true },
      reasoning: { enabled: true, effort: 'low' },
      user: 'user-1234',
      stream: true,
      includeUsage: true,
      providerMetadata: {
        'openai-chat': {
          n: 1,
          logprobs: false,
          metadata: { trace: 't-1' },
          prompt_cache_key: 'session-9',
          service_tier: 'auto',
        },
      },
    } satisfies Omit<CanonicalRequest, 'messages'>);
  });

  it('round-trips a full request to OpenAI unchanged', () => {
    const { value, warnings } = requestFromCanonical(toCanonical(structuredClone(full)), { targetProvider: 'openai' });
    expect(warnings).toEqual([]);
    // The one difference: a single text part comes back as the equivalent plain string.
    const expected = structuredClone(full) as Record<string, unknown> & typeof full;
    (expected.messages[1] as { content: unknown }).content = 'Answer in English.';
    expect(value).toEqual(expected);
  });

  it('reads legacy functions, max_tokens, a string stop and a DeepSeek assistant turn', () => {
    const value = toCanonical({
      model: 'deepseek-chat',
      max_tokens: 50,
      stop: 'END',
      functions: [{ name: 'f' }],
      function_call: { name: 'f' },
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: 'ok',
          reasoning_content: 'thinking',
          function_call: { name: 'f', arguments: '{}' },
        },
        { role: 'function', name: 'f', content: '42' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
      ],
    });
    expect(value).toMatchObject({
      maxOutputTokens: 50,
      stopSequences: ['END'],
      tools: [{ name: 'f', parameters: { type: 'object', properties: {} } }],
      toolChoice: { type: 'tool', name: 'f' },
    });
    expect(value.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'thinking' },
          { type: 'text', text: 'ok' },
          { type: 'tool-call', id: 'f', name: 'f', arguments: '{}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'f', name: 'f', content: '42' }] },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'no', providerMetadata: { 'openai-chat': { refusal: true } } }],
      },
    ]);
  });

  it('keeps a refusal and safety_identifier on the way back', () => {
    const body = {
      model: 'gpt-5',
      safety_identifier: 'hashed-user',
      messages: [{ role: 'assistant', content: null, refusal: 'no' }],
    };
    const value = toCanonical(body);
    expect(value.user).toBe('hashed-user');
    expect(requestFromCanonical(value, { targetProvider: 'openai' }).value).toEqual(body);
  });

  it.each([
    [{ messages: 'hi' }, "'messages' must be an array"],
    [{ messages: [{ role: 'robot', content: 'x' }] }, "'messages[0].role'"],
    [{ messages: [{ role: 'tool', content: 'x' }] }, "'messages[0].tool_call_id'"],
    [{ messages: [{ role: 'user', content: [{ type: 'video' }] }] }, "'messages[0].content[0].type'"],
    [{ messages: [], temperature: 'hot' }, "'temperature' must be a number"],
    [{ messages: [], stop: [1] }, "'stop'"],
    [{ messages: [], reasoning_effort: 'max' }, "'reasoning_effort'"],
    [{ messages: [], tool_choice: 'sometimes' }, "'tool_choice'"],
  ])('refuses %j naming the field', (body, field) => {
    expect(() => requestToCanonical(body)).toThrow(InvalidRequestError);
    expect(() => requestToCanonical(body)).toThrow(field);
  });

  it('never throws anything but InvalidRequestError, whatever JSON comes in', () => {
    const part = fc.oneof(
      fc.jsonValue(),
      fc.record({ type: fc.constantFrom('text', 'image_url', 'input_audio', 'file', 'refusal'), text: fc.jsonValue() }),
      fc.record({
        type: fc.constant('image_url'),
        image_url: fc.oneof(fc.jsonValue(), fc.record({ url: fc.string() })),
      }),
      fc.record({
        type: fc.constant('file'),
        file: fc.dictionary(fc.constantFrom('file_data', 'file_id', 'filename'), fc.jsonValue()),
      }),
    );
    const message = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'x'),
          content: fc.oneof(fc.string(), fc.array(part), fc.jsonValue()),
          tool_calls: fc.oneof(fc.jsonValue(), fc.array(fc.record({ id: fc.jsonValue(), function: fc.jsonValue() }))),
          tool_call_id: fc.jsonValue(),
          name: fc.jsonValue(),
          function_call: fc.jsonValue(),
          refusal: fc.jsonValue(),
          reasoning_content: fc.jsonValue(),
        },
        { requiredKeys: ['role'] },
      ),
    );
    const body = fc.record(
      {
        messages: fc.oneof(fc.array(message), fc.jsonValue()),
        tools: fc.oneof(
          fc.jsonValue(),
          fc.array(fc.record({ type: fc.constant('function'), function: fc.jsonValue() })),
        ),
        functions: fc.jsonValue(),
        tool_choice: fc.jsonValue(),
        function_call: fc.jsonValue(),
        stop: fc.jsonValue(),
        response_format: fc.oneof(
          fc.jsonValue(),
          fc.record({ type: fc.constant('json_schema'), json_schema: fc.jsonValue() }),
        ),
        stream_options: fc.jsonValue(),
        reasoning_effort: fc.jsonValue(),
        max_tokens: fc.jsonValue(),
        user: fc.jsonValue(),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, (input) => {
        try {
          const { value } = requestToCanonical(input);
          // Whatever was accepted can be written back.
          requestFromCanonical(value, { targetProvider: 'openai' });
          requestFromCanonical(value, { targetProvider: 'deepseek' });
        } catch (error) {
          if (!(error instanceof InvalidRequestError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
