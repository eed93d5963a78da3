import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../core/errors.js';
import type { CanonicalRequest } from '../canonical.js';
import { jsonFixture } from './fixtures.test-helpers.js';
import { anthropicMessagesCodec as codec } from './index.js';

const toAnthropic = (request: CanonicalRequest, targetProvider = 'anthropic', foreignThinking?: 'text') =>
  codec.requestFromCanonical(request, foreignThinking ? { targetProvider, foreignThinking } : { targetProvider });

describe('anthropic-messages requests', () => {
  it('round-trips a rich request (system blocks, thinking, tools, results, images, documents) unchanged', () => {
    const body = jsonFixture('tool-use.request.json');
    const canonical = codec.requestToCanonical(body);
    expect(canonical.warnings).toEqual([]);
    const back = toAnthropic(canonical.value);
    expect(back.warnings).toEqual([]);
    expect(back.value).toEqual(body);
  });

  it('reads the request into canonical form', () => {
    const { value } = codec.requestToCanonical(jsonFixture('tool-use.request.json'));
    expect(value.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'user',
      'assistant',
      'tool',
    ]);
    expect(value.reasoning).toEqual({ enabled: true, budgetTokens: 2048 });
    expect(value.toolChoice).toEqual({ type: 'auto' });
    expect(value.parallelToolCalls).toBe(false);
    expect(value.user).toBe('user-42');
    const assistant = value.messages[2];
    expect(assistant?.content[0]).toEqual({
      type: 'reasoning',
      text: 'The user wants the weather.',
      signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
      origin: 'anthropic',
    });
    expect(value.messages[3]?.content[0]).toMatchObject({
      toolCallId: 'toolu_01A09q90qw90lq917835lq9',
      name: 'get_weather',
    });
    const doc = value.messages[4]?.content[2];
    expect(doc).toMatchObject({ type: 'file', mediaType: 'text/plain', filename: 'Notes' });
  });

  it('keeps unknown fields, server tools and output_config for a same-dialect trip', () => {
    const body = {
      model: 'claude-opus-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }],
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      service_tier: 'auto',
    };
    const canonical = codec.requestToCanonical(body);
    expect(canonical.value.responseFormat).toEqual({ type: 'json', schema: { type: 'object' } });
    expect(canonical.warnings.map((w) => w.code)).toEqual(['unsupported-tool']);
    expect(toAnthropic(canonical.value).value).toEqual(body);
  });

  it('rejects what cannot be represented with InvalidRequestError naming the field', () => {
    expect(() => codec.requestToCanonical({ messages: 'hi' })).toThrow(InvalidRequestError);
    expect(() => codec.requestToCanonical({ messages: [{ role: 'developer', content: 'x' }] })).toThrow(
      /messages\[0\]\.role/,
    );
    expect(() => codec.requestToCanonical({ messages: [{ role: 'system', content: 7 }] })).toThrow(
      /messages\[0\]\.content/,
    );
    expect(() =>
      codec.requestToCanonical({ messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }),
    ).toThrow(/tool_use_id/);
    expect(() => codec.requestToCanonical({ messages: [], max_tokens: '1' })).toThrow(/max_tokens/);
  });

  it('never throws anything but InvalidRequestError on arbitrary JSON', () => {
    const block = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          type: fc.constantFrom('text', 'image', 'document', 'tool_use', 'tool_result', 'thinking'),
          text: fc.jsonValue(),
          source: fc.jsonValue(),
          content: fc.jsonValue(),
        },
        { requiredKeys: ['type'] },
      ),
    );
    const message = fc.oneof(
      fc.jsonValue(),
      fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(fc.string(), fc.array(block)) }),
    );
    const body = fc.oneof(
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.record(
        {
          messages: fc.oneof(fc.jsonValue(), fc.array(message)),
          system: fc.jsonValue(),
          tools: fc.jsonValue(),
          tool_choice: fc.jsonValue(),
          thinking: fc.jsonValue(),
          metadata: fc.jsonValue(),
          output_config: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(body, (input) => {
        try {
          const { value } = codec.requestToCanonical(input as Record<string, unknown>);
          toAnthropic(value);
        } catch (error) {
          if (!(error instanceof InvalidRequestError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
