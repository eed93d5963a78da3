import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical.js';
import { translateRequest } from '../translate.js';
import { bedrockConverseCodec as codec } from './index.js';

const toConverse = (request: CanonicalRequest, foreignThinking?: 'text') =>
  codec.requestFromCanonical(request, foreignThinking ? { targetProvider: 'bedrock', foreignThinking } : {});

describe('bedrock-converse requests from canonical', () => {
  it('hoists system, merges turns, puts tool results first and maps inference settings', () => {
    const { value, warnings } = toConverse({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'be brief' }] },
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'think',
              signature: 'sig-1',
              origin: 'anthropic',
            },
            { type: 'tool-call', id: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'and?' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'tooluse_1', content: 'sunny', isError: true }] },
      ],
      maxOutputTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object' } }],
      toolChoice: { type: 'required' },
      seed: 7,
    });
    expect(value).toEqual({
      system: [{ text: 'be brief' }],
      messages: [
        { role: 'user', content: [{ text: 'weather?' }] },
        {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'think', signature: 'sig-1' } } },
            { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'sunny' }], status: 'error' } },
            { text: 'and?' },
          ],
        },
      ],
      inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      toolConfig: {
        tools: [
          { toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: { type: 'object' } } } },
        ],
        toolChoice: { any: {} },
      },
      additionalModelRequestFields: { top_k: 40 },
    });
    expect(warnings.map((w) => w.code)).toEqual(['unsupported-setting']);
  });

  it('maps tool_choice auto and a named tool, and warns that none has no counterpart', () => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    const base: CanonicalRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }], tools };
    expect(toConverse({ ...base, toolChoice: { type: 'auto' } }).value.toolConfig).toMatchObject({
      toolChoice: { auto: {} },
    });
    expect(toConverse({ ...base, toolChoice: { type: 'tool', name: 'f' } }).value.toolConfig).toMatchObject({
      toolChoice: { tool: { name: 'f' } },
    });
    const none = toConverse({ ...base, toolChoice: { type: 'none' } });
    expect(none.value.toolConfig).not.toHaveProperty('toolChoice');
    expect(none.warnings.map((w) => w.code)).toEqual(['unsupported-setting']);
  });

  it('turns thinking into additionalModelRequestFields with maxTokens above the budget', () => {
    const { value } = toConverse({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }],
      maxOutputTokens: 1000,
      reasoning: { enabled: true, effort: 'low' },
    });
    expect(value.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(value.inferenceConfig).toEqual({ maxTokens: 3048 });
  });

  it('sends images and documents inline and drops a URL image with a warning', () => {
    const { value, warnings } = toConverse({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'url', url: 'data:image/png;base64,iVBORw0K' } },
            {
              type: 'file',
              source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
              filename: 'q3 report.pdf',
            },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    });
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { image: { format: 'png', source: { bytes: 'iVBORw0K' } } },
          { document: { format: 'pdf', name: 'q3 report', source: { bytes: 'JVBERi0=' } } },
        ],
      },
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['dropped-content']);
  });

  it('drops reasoning another family signed, or sends it as text when asked', () => {
    const request: CanonicalRequest = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'gemini thought', signature: 'g', origin: 'gemini' },
            { type: 'text', text: 'a' },
          ],
        },
      ],
    };
    const dropped = toConverse(request);
    expect(dropped.value.messages).toEqual([
      { role: 'user', content: [{ text: 'q' }] },
      { role: 'assistant', content: [{ text: 'a' }] },
    ]);
    expect(dropped.warnings.map((w) => w.code)).toEqual(['foreign-thinking-dropped']);
    const text = toConverse(request, 'text');
    expect((text.value.messages as Array<{ content: unknown[] }>)[1]!.content[0]).toEqual({ text: 'gemini thought' });
  });

  it('turns Anthropic cache_control into cachePoint blocks, and back', () => {
    const anthropic = {
      model: 'claude',
      max_tokens: 100,
      system: [{ type: 'text', text: 'long system', cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } }] }],
    };
    const { value } = translateRequest({ from: 'anthropic-messages', to: 'bedrock-converse', body: anthropic });
    expect(value.system).toEqual([{ text: 'long system' }, { cachePoint: { type: 'default' } }]);
    expect(value.messages).toEqual([{ role: 'user', content: [{ text: 'doc' }, { cachePoint: { type: 'default' } }] }]);
    expect((value.toolConfig as { tools: unknown[] }).tools[1]).toEqual({ cachePoint: { type: 'default' } });
    const back = translateRequest({ from: 'bedrock-converse', to: 'anthropic-messages', body: value });
    expect(back.value.system).toEqual([{ type: 'text', text: 'long system', cache_control: { type: 'ephemeral' } }]);
    expect(back.value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } }] },
    ]);
  });
});

describe('bedrock-converse requests to canonical', () => {
  it('reads messages, system, inference config, tool config and thinking', () => {
    const { value } = codec.requestToCanonical({
      system: [{ text: 'sys' }],
      messages: [
        { role: 'user', content: [{ text: 'hi' }, { image: { format: 'jpeg', source: { bytes: '/9j/' } } }] },
        {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'hm', signature: 'sig' } } },
            { reasoningContent: { redactedContent: 'cmVk' } },
            { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } },
          ],
        },
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: 't1', content: [{ json: { ok: true } }], status: 'success' } }],
        },
      ],
      inferenceConfig: { maxTokens: 2000, temperature: 1, topP: 0.5, stopSequences: ['x'] },
      toolConfig: {
        tools: [{ toolSpec: { name: 'f', description: 'd', inputSchema: { json: { type: 'object' } } } }],
        toolChoice: { tool: { name: 'f' } },
      },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 }, anthropic_beta: ['x'] },
      guardrailConfig: { guardrailIdentifier: 'g', guardrailVersion: '1' },
    });
    expect(value).toEqual({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'sys' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', source: { type: 'base64', mediaType: 'image/jpeg', data: '/9j/' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hm', signature: 'sig', origin: 'anthropic' },
            { type: 'reasoning', text: '', redactedData: 'cmVk', origin: 'anthropic' },
            { type: 'tool-call', id: 't1', name: 'f', arguments: '{"a":1}' },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', content: '{"ok":true}' }] },
      ],
      maxOutputTokens: 2000,
      temperature: 1,
      topP: 0.5,
      stopSequences: ['x'],
      tools: [{ name: 'f', description: 'd', parameters: { type: 'object' } }],
      toolChoice: { type: 'tool', name: 'f' },
      reasoning: { enabled: true, includeThoughts: true, budgetTokens: 1024, effort: 'low' },
      providerMetadata: {
        'bedrock-converse': {
          guardrailConfig: { guardrailIdentifier: 'g', guardrailVersion: '1' },
          additionalModelRequestFields: { anthropic_beta: ['x'] },
        },
      },
    });
    // A trip back to Converse restores the extras.
    const back = codec.requestFromCanonical(value, { targetProvider: 'bedrock' }).value;
    expect(back.guardrailConfig).toEqual({ guardrailIdentifier: 'g', guardrailVersion: '1' });
    expect(back.additionalModelRequestFields).toEqual({
      anthropic_beta: ['x'],
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
  });

  it('refuses a body without messages, naming the field', () => {
    expect(() => codec.requestToCanonical({ messages: 'hi' })).toThrow(/'messages'/);
    expect(() => codec.requestToCanonical({ messages: [{ role: 'system', content: [] }] })).toThrow(
      /'messages\[0\]\.role'/,
    );
  });

  it('translates an OpenAI Chat request with a tool call round trip', () => {
    const { value } = translateRequest({
      from: 'openai-chat',
      to: 'bedrock-converse',
      body: {
        model: 'm',
        max_tokens: 50,
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'r' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      },
    });
    expect(value).toEqual({
      system: [{ text: 'sys' }],
      messages: [
        { role: 'user', content: [{ text: 'hi' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'f', input: {} } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'r' }] } }] },
      ],
      inferenceConfig: { maxTokens: 50 },
      toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object', properties: {} } } } }] },
    });
  });
});
