import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical.js';
import { SKIP_SIGNATURE } from './content.js';
import { requestFromCanonical } from './request-from-canonical.js';

describe('gemini requestFromCanonical', () => {
  const base: CanonicalRequest = { messages: [] };

  it('hoists system messages, merges same-role turns and names function responses', () => {
    const { value, warnings } = requestFromCanonical(
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
    const dropped = requestFromCanonical(request, { targetProvider: 'gemini' });
    expect(dropped.value.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'answer' }] },
    ]);
    expect(dropped.warnings.map((w) => w.code)).toContain('foreign-thinking-dropped');
    const asText = requestFromCanonical(request, { foreignThinking: 'text' });
    expect(asText.value.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'claude thinks' }, { text: 'answer' }] },
    ]);
    expect(JSON.stringify(asText.value)).not.toContain('EqQB');
  });

  it('puts a Gemini signature back on the function call it came with', () => {
    const { value } = requestFromCanonical(
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
    const { value, warnings } = requestFromCanonical(
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
    const { value } = requestFromCanonical(
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
