/**
 * What the coding agents and SDKs of issue 11 send (Claude Code, the Codex CLI, the Gemini CLI, the AI
 * SDK), translated to every other upstream dialect. Request shapes follow the providers' documentation
 * and the clients' sources.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/translate/json.js';
import { translateRequest } from '../../src/translate/translate.js';
import type { Dialect } from './helpers.js';

const codes = (warnings: { code: string }[]) => warnings.map((w) => w.code);

function to(target: Dialect, body: JsonObject, from: Dialect = 'anthropic-messages', provider?: string) {
  const targetProvider =
    provider ?? (target === 'anthropic-messages' ? 'anthropic' : target === 'gemini' ? 'gemini' : 'openai');
  return translateRequest({ from, to: target, body, options: { targetProvider } });
}

/** Claude Code 2.x with a non-Claude model name: a system message in the middle of `messages`. */
const midSystem: JsonObject = {
  model: 'gpt-5',
  max_tokens: 32000,
  system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'List the files.' }] },
    { role: 'system', content: 'The user switched to plan mode.' },
    { role: 'user', content: 'Go on.' },
  ],
  metadata: { user_id: '{"device_id":"d1","account_uuid":"a1","session_id":"s1"}' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
};

describe('Claude Code: system messages inside messages', () => {
  it('keeps them in place for an Anthropic upstream (canonical path)', () => {
    // A tagged signature forces the canonical path even for Anthropic → Anthropic.
    const body = {
      ...midSystem,
      messages: [
        ...(midSystem.messages as unknown[]),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 'sy1:gemini:abc' },
            { type: 'text', text: 'ok' },
          ],
        },
      ],
    };
    const { value } = to('anthropic-messages', body);
    const messages = value.messages as JsonObject[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'system', 'user', 'assistant']);
    expect(messages[1]).toEqual({ role: 'system', content: 'The user switched to plan mode.' });
    expect(value.system).toEqual(midSystem.system);
    expect(value.metadata).toEqual(midSystem.metadata);
    expect(value.context_management).toEqual(midSystem.context_management);
  });

  it('becomes a system message at that position for OpenAI Chat', () => {
    const { value, warnings } = to('openai-chat', midSystem);
    const messages = value.messages as JsonObject[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'system', 'user']);
    expect(messages[2]?.content).toBe('The user switched to plan mode.');
    expect(codes(warnings)).not.toContain('system-hoisted');
  });

  it('becomes a developer message item at that position for Responses', () => {
    const { value } = to('openai-responses', midSystem);
    expect(value.instructions).toBe('You are Claude Code.');
    const input = value.input as JsonObject[];
    expect(input.map((i) => i.role)).toEqual(['user', 'developer', 'user']);
    expect(input[1]?.content).toEqual([{ type: 'input_text', text: 'The user switched to plan mode.' }]);
  });

  it('is appended to the Gemini system instruction, with a warning', () => {
    const { value, warnings } = to('gemini', midSystem);
    expect(value.systemInstruction).toEqual({
      parts: [{ text: 'You are Claude Code.' }, { text: 'The user switched to plan mode.' }],
    });
    expect((value.contents as JsonObject[]).map((c) => c.role)).toEqual(['user']);
    expect(codes(warnings)).toContain('system-hoisted');
  });

  it('still refuses other roles, naming the field', () => {
    expect(() => to('openai-chat', { ...midSystem, messages: [{ role: 'tool', content: 'x' }] })).toThrow(
      /messages\[0\]\.role/,
    );
  });
});

describe('Claude Code: Anthropic-only settings', () => {
  it.each(['openai-chat', 'openai-responses', 'gemini'] as const)(
    'drops context_management, cache_control and metadata.user_id for %s with a warning',
    (target) => {
      const { value, warnings } = to(target, midSystem);
      const text = JSON.stringify(value);
      expect(text).not.toContain('cache_control');
      expect(text).not.toContain('context_management');
      expect(text).not.toContain('device_id');
      const warning = warnings.find((w) => w.code === 'anthropic-only-dropped');
      expect(warning?.message).toMatch(/context_management, cache_control, metadata\.user_id/);
    },
  );

  it('a Chat caller’s user still reaches Anthropic as metadata.user_id', () => {
    const body = { model: 'x', user: 'u-1', messages: [{ role: 'user', content: 'hi' }] };
    expect(to('anthropic-messages', body, 'openai-chat').value.metadata).toEqual({ user_id: 'u-1' });
  });
});

describe('Claude Code: adaptive thinking and output_config.effort', () => {
  const body = (extra: JsonObject): JsonObject => ({
    model: 'm',
    max_tokens: 32000,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });

  it.each([
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['max', 'xhigh'],
  ])('effort %s → Chat reasoning_effort / Responses reasoning.effort %s', (effort, mapped) => {
    const request = body({ thinking: { type: 'adaptive' }, output_config: { effort } });
    expect(to('openai-chat', request).value.reasoning_effort).toBe(mapped);
    expect((to('openai-responses', request).value.reasoning as JsonObject).effort).toBe(mapped);
  });

  it('effort → a Gemini thinking budget from the table; adaptive alone → dynamic thinking with thoughts', () => {
    const high = to('gemini', body({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } }));
    expect((high.value.generationConfig as JsonObject).thinkingConfig).toEqual({
      thinkingBudget: 24576,
      includeThoughts: true,
    });
    const adaptive = to('gemini', body({ thinking: { type: 'adaptive' } }));
    expect((adaptive.value.generationConfig as JsonObject).thinkingConfig).toEqual({ includeThoughts: true });
    const responses = to('openai-responses', body({ thinking: { type: 'adaptive' } }));
    expect(responses.value.reasoning).toEqual({ summary: 'auto' });
  });

  it('a Chat or Responses caller’s effort becomes Anthropic thinking with a budget below max_tokens', () => {
    const chat = to(
      'anthropic-messages',
      { model: 'x', reasoning_effort: 'high', messages: [{ role: 'user', content: 'hi' }] },
      'openai-chat',
    );
    expect(chat.value.thinking).toEqual({ type: 'enabled', budget_tokens: 24576 });
    expect(chat.value.max_tokens as number).toBeGreaterThan(24576);
    const responses = to(
      'anthropic-messages',
      { model: 'x', reasoning: { effort: 'low', summary: 'auto' }, max_output_tokens: 8000, input: 'hi' },
      'openai-responses',
    );
    expect(responses.value.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });
});

describe('Anthropic targets: sampling rules', () => {
  const geminiCli: JsonObject = {
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    systemInstruction: { role: 'user', parts: [{ text: 'You are the Gemini CLI.' }] },
    generationConfig: {
      temperature: 1,
      topP: 0.95,
      topK: 64,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 },
    },
  };

  it('the Gemini CLI’s generationConfig reaches Claude as temperature 1 and thinking, without top_p / top_k', () => {
    const { value, warnings } = to('anthropic-messages', geminiCli, 'gemini');
    expect(value.temperature).toBe(1);
    expect(value.top_p).toBeUndefined();
    expect(value.top_k).toBeUndefined();
    expect(value.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(value.system).toBe('You are the Gemini CLI.');
    expect(codes(warnings).filter((c) => c === 'sampling-adjusted')).toHaveLength(2);
  });

  it('temperature and top_p without thinking: temperature kept, top_p dropped', () => {
    const body = { model: 'x', temperature: 0.3, top_p: 0.9, messages: [{ role: 'user', content: 'hi' }] };
    const { value, warnings } = to('anthropic-messages', body, 'openai-chat');
    expect(value.temperature).toBe(0.3);
    expect(value.top_p).toBeUndefined();
    expect(codes(warnings)).toContain('sampling-adjusted');
  });

  it('with thinking on: a temperature other than 1 is dropped, top_p raised to 0.95', () => {
    const body = { model: 'x', reasoning_effort: 'low', top_p: 0.5, messages: [{ role: 'user', content: 'hi' }] };
    expect(to('anthropic-messages', body, 'openai-chat').value.top_p).toBe(0.95);
    const hot = { ...body, top_p: undefined, temperature: 0.2 };
    expect(to('anthropic-messages', hot, 'openai-chat').value.temperature).toBeUndefined();
  });

  it('a forced tool call leaves thinking off (Claude refuses both)', () => {
    const body = {
      model: 'x',
      reasoning_effort: 'low',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      messages: [{ role: 'user', content: 'hi' }],
    };
    const { value, warnings } = to('anthropic-messages', body, 'openai-chat');
    expect(value.thinking).toBeUndefined();
    expect(value.tool_choice).toEqual({ type: 'any' });
    expect(codes(warnings)).toContain('sampling-adjusted');
  });
});

describe('AI SDK: structured outputs', () => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  };
  const anthropic = (format: JsonObject): JsonObject => ({
    model: 'm',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Where?' }],
    ...format,
  });

  it.each([
    ['output_format (beta)', { output_format: { type: 'json_schema', schema } }],
    ['output_config.format', { output_config: { format: { type: 'json_schema', schema } } }],
  ])('Anthropic %s → Chat response_format, Responses text.format, Gemini responseMimeType + schema', (_, format) => {
    const chat = to('openai-chat', anthropic(format)).value;
    expect(chat.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
    const responses = to('openai-responses', anthropic(format)).value;
    expect((responses.text as JsonObject).format).toEqual({ type: 'json_schema', name: 'response', schema });
    const gemini = to('gemini', anthropic(format)).value.generationConfig as JsonObject;
    expect(gemini.responseMimeType).toBe('application/json');
    expect(gemini.responseSchema).toEqual({
      type: 'OBJECT',
      properties: { city: { type: 'STRING' } },
      required: ['city'],
    });
  });

  it('Chat json_schema, Responses text.format and Gemini responseJsonSchema → Anthropic output_config.format', () => {
    const chat = to(
      'anthropic-messages',
      {
        model: 'x',
        messages: [{ role: 'user', content: 'Where?' }],
        response_format: { type: 'json_schema', json_schema: { name: 'place', schema, strict: true } },
      },
      'openai-chat',
    );
    expect(chat.value.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(chat.value.system).toBeUndefined();
    const responses = to(
      'anthropic-messages',
      { model: 'x', input: 'Where?', text: { format: { type: 'json_schema', name: 'place', schema } } },
      'openai-responses',
    );
    expect(responses.value.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const gemini = to(
      'anthropic-messages',
      {
        contents: [{ role: 'user', parts: [{ text: 'Where?' }] }],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
      },
      'gemini',
    );
    expect(gemini.value.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('an Anthropic caller’s beta output_format goes back to Anthropic as it was sent', () => {
    const body = { ...anthropic({ output_format: { type: 'json_schema', schema } }), stream: false };
    const viaCanonical = {
      ...body,
      messages: [
        { role: 'user', content: 'Where?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 't', signature: 'sy1:openai:x' },
            { type: 'text', text: 'a' },
          ],
        },
        { role: 'user', content: 'Again' },
      ],
    };
    const { value } = to('anthropic-messages', viaCanonical);
    expect(value.output_format).toEqual({ type: 'json_schema', schema });
    expect(value.output_config).toBeUndefined();
  });
});

describe('Gemini CLI: parametersJsonSchema declarations', () => {
  const parametersJsonSchema = {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File to read' },
      limit: { type: 'integer', exclusiveMinimum: 0 },
    },
    required: ['path'],
  };
  const body: JsonObject = {
    contents: [{ role: 'user', parts: [{ text: 'read it' }] }],
    tools: [{ functionDeclarations: [{ name: 'read_file', description: 'Reads a file', parametersJsonSchema }] }],
  };

  it.each([
    ['openai-chat', (v: JsonObject) => ((v.tools as JsonObject[])[0]!.function as JsonObject).parameters],
    ['openai-responses', (v: JsonObject) => (v.tools as JsonObject[])[0]?.parameters],
    ['anthropic-messages', (v: JsonObject) => (v.tools as JsonObject[])[0]?.input_schema],
  ] as const)('reach %s as the same JSON Schema', (target, read) => {
    expect(read(to(target, body, 'gemini').value)).toEqual(parametersJsonSchema);
  });
});
