import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../core/errors.js';
import { requestFromCanonical } from './request-from-canonical.js';
import { requestToCanonical } from './request-to-canonical.js';

const PNG = 'iVBORw0KGgo=';

/** A request using most of what Responses can say, as a client would send it. */
const full = {
  model: 'gpt-5',
  instructions: 'Be brief.',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Answer in French.' }] },
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'What is in these?' },
        { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'high' },
        { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' },
        { type: 'input_image', file_id: 'file-img', detail: 'low' },
        { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
        { type: 'input_file', file_url: 'https://example.com/b.pdf' },
        { type: 'input_file', file_id: 'file-abc' },
      ],
    },
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Looking.' }], encrypted_content: 'gAAA' },
    {
      type: 'message',
      id: 'msg_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }],
    },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"q":"cats"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'A cat.' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks' }] },
  ],
  tools: [
    {
      type: 'function',
      name: 'lookup',
      description: 'Look up',
      parameters: { type: 'object', properties: {} },
      strict: true,
    },
    { type: 'web_search' },
  ],
  tool_choice: { type: 'function', name: 'lookup' },
  parallel_tool_calls: false,
  max_output_tokens: 1000,
  temperature: 0.5,
  top_p: 0.9,
  text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
  reasoning: { effort: 'high', summary: 'auto' },
  user: 'u-1',
  stream: true,
  previous_response_id: 'resp_prev',
  store: true,
  include: ['reasoning.encrypted_content'],
  truncation: 'auto',
  prompt_cache_key: 'k',
  metadata: { a: 'b' },
  service_tier: 'flex',
};

describe('openai-responses requestToCanonical', () => {
  it('reads instructions, every input item kind, tools and settings', () => {
    const { value, warnings } = requestToCanonical(full);
    expect(value.messages.map((message) => message.role)).toEqual([
      'system',
      'system',
      'user',
      'assistant',
      'tool',
      'user',
    ]);
    expect(value.messages[0]).toEqual({
      role: 'system',
      content: [{ type: 'text', text: 'Be brief.' }],
      providerMetadata: { 'openai-responses': { instructions: true } },
    });
    expect(value.messages[2]!.content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: PNG }, detail: 'high' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, detail: 'auto' },
      {
        type: 'file',
        source: { type: 'file-id', fileId: 'file-img' },
        mediaType: 'image/*',
        providerMetadata: { 'openai-responses': { image: true, detail: 'low' } },
      },
      {
        type: 'file',
        source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
        mediaType: 'application/pdf',
        filename: 'a.pdf',
      },
      { type: 'file', source: { type: 'url', url: 'https://example.com/b.pdf' } },
      { type: 'file', source: { type: 'file-id', fileId: 'file-abc' } },
    ]);
    // Reasoning, the assistant message and the function call form one assistant turn.
    expect(value.messages[3]!.content).toEqual([
      { type: 'reasoning', text: 'Looking.', signature: 'gAAA', origin: 'openai', id: 'rs_1' },
      { type: 'text', text: 'Let me check.', providerMetadata: { 'openai-responses': { messageId: 'msg_1' } } },
      {
        type: 'tool-call',
        id: 'call_1',
        name: 'lookup',
        arguments: '{"q":"cats"}',
        providerMetadata: { 'openai-responses': { itemId: 'fc_1' } },
      },
    ]);
    expect(value.messages[4]!.content).toEqual([
      { type: 'tool-result', toolCallId: 'call_1', name: 'lookup', content: 'A cat.' },
    ]);
    expect(value.tools).toEqual([
      { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} }, strict: true },
    ]);
    expect(value).toMatchObject({
      model: 'gpt-5',
      toolChoice: { type: 'tool', name: 'lookup' },
      parallelToolCalls: false,
      maxOutputTokens: 1000,
      temperature: 0.5,
      topP: 0.9,
      responseFormat: { type: 'json', name: 'answer', schema: { type: 'object' }, strict: true },
      reasoning: { enabled: true, effort: 'high', summary: 'auto', includeThoughts: true },
      user: 'u-1',
      stream: true,
    });
    expect(value.providerMetadata?.['openai-responses']).toMatchObject({
      previous_response_id: 'resp_prev',
      store: true,
      truncation: 'auto',
      prompt_cache_key: 'k',
      metadata: { a: 'b' },
      service_tier: 'flex',
      builtinTools: [{ type: 'web_search' }],
    });
    expect(warnings.map((warning) => warning.code).sort()).toEqual(['server-side-state', 'unsupported-tool']);
  });

  it('reads a string input as one user message', () => {
    expect(requestToCanonical({ model: 'm', input: 'Hi' }).value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
  });

  it('reads a function_call_output content list', () => {
    const { value } = requestToCanonical({
      input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: 'ok' }] }],
    });
    expect(value.messages[0]).toEqual({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'c', content: [{ type: 'text', text: 'ok' }] }],
    });
  });

  it('refuses input it cannot represent, naming the field', () => {
    expect(() => requestToCanonical({ input: 42 })).toThrow(InvalidRequestError);
    expect(() => requestToCanonical({ input: [{ role: 'robot', content: 'x' }] })).toThrow(/input\[0\]\.role/);
    expect(() => requestToCanonical({ input: [{ type: 'function_call', name: 'f' }] })).toThrow(/call_id/);
    expect(() => requestToCanonical({ input: 'x', temperature: 'hot' })).toThrow(/temperature/);
  });

  it('never throws anything but InvalidRequestError, whatever the JSON', () => {
    const item = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          type: fc.constantFrom('message', 'function_call', 'function_call_output', 'reasoning', 'x'),
          role: fc.jsonValue(),
          content: fc.jsonValue(),
          call_id: fc.jsonValue(),
          output: fc.jsonValue(),
          summary: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    const body = fc.record(
      {
        model: fc.jsonValue(),
        instructions: fc.jsonValue(),
        input: fc.oneof(fc.jsonValue(), fc.array(item)),
        tools: fc.jsonValue(),
        tool_choice: fc.jsonValue(),
        text: fc.jsonValue(),
        reasoning: fc.jsonValue(),
        max_output_tokens: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(body, fc.dictionary(fc.string(), fc.jsonValue())), (input) => {
        try {
          const { value } = requestToCanonical(input as Record<string, unknown>);
          requestFromCanonical(value, {});
        } catch (error) {
          if (!(error instanceof InvalidRequestError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('openai-responses requestFromCanonical', () => {
  it('round-trips a Responses request', () => {
    const { value } = requestFromCanonical(requestToCanonical(full).value, { targetProvider: 'openai' });
    expect(value).toEqual(full);
  });
});
