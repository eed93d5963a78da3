import { describe, expect, it } from 'vitest';
import type { TranslationContext } from './context.js';
import { createStreamConverter, translateResponse } from './index.js';

const NOW = 1_700_000_123_456;

/** A fixed clock and a counting id generator: every run of a translation sees the same values. */
function fixed(): TranslationContext & { ids: string[] } {
  let n = 0;
  const ids: string[] = [];
  return {
    ids,
    now: () => NOW,
    generateId: (prefix) => {
      const id = `${prefix}fixed${++n}`;
      ids.push(id);
      return id;
    },
  };
}

const anthropicMessage = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'Hi' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 1 },
};

/** An Anthropic stream: it carries no time, which Chat and Responses need. */
const anthropicStream = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":0}}}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":0}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\n');

/** A Chat stream from a compatible service that sends neither an id nor a time. */
const chatStream = [
  'data: {"object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}',
  '',
  'data: {"object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

function convert(options: Parameters<typeof createStreamConverter>[0], sse: string): string {
  const converter = createStreamConverter(options);
  const decoder = new TextDecoder();
  let out = '';
  const bytes = converter.transform(new TextEncoder().encode(sse));
  if (bytes) out += decoder.decode(bytes);
  const tail = converter.flush();
  if (tail) out += decoder.decode(tail);
  return out;
}

describe('an injected clock and id generator', () => {
  it('date a translated response that carries no time', () => {
    const first = translateResponse({
      from: 'anthropic-messages',
      to: 'openai-chat',
      body: anthropicMessage,
      ...fixed(),
    });
    const again = translateResponse({
      from: 'anthropic-messages',
      to: 'openai-chat',
      body: anthropicMessage,
      ...fixed(),
    });
    expect(first.value.created).toBe(Math.floor(NOW / 1000));
    expect(again.value).toEqual(first.value);
  });

  it('make translated streams byte-identical run to run, with the injected times and ids', () => {
    for (const to of ['openai-chat', 'openai-responses'] as const) {
      const one = convert({ from: 'anthropic-messages', to, ...fixed() }, anthropicStream);
      const two = convert({ from: 'anthropic-messages', to, ...fixed() }, anthropicStream);
      expect(one).toBe(two);
      expect(one).toContain(to === 'openai-chat' ? `"created":${Math.floor(NOW / 1000)}` : `"created_at":1700000123`);
    }

    const context = fixed();
    const chat = convert({ from: 'openai-chat', to: 'openai-chat', ...context }, chatStream);
    // Same dialect: the bytes pass through, nothing is made up.
    expect(chat).toBe(chatStream);
    expect(context.ids).toEqual([]);

    const toAnthropic = fixed();
    const anthropic = convert({ from: 'openai-chat', to: 'anthropic-messages', ...toAnthropic }, chatStream);
    expect(toAnthropic.ids).toEqual(['msg_fixed1']);
    expect(anthropic).toContain('"id":"msg_fixed1"');
    expect(convert({ from: 'openai-chat', to: 'anthropic-messages', ...fixed() }, chatStream)).toBe(anthropic);
  });

  it('fill in a Chat id when the upstream stream had none', () => {
    const context = fixed();
    const chat = convert(
      { from: 'anthropic-messages', to: 'openai-chat', ...context },
      anthropicStream.replace('"id":"msg_1"', '"id":""'),
    );
    expect(context.ids).toEqual(['chatcmpl-fixed1']);
    expect(chat).toContain('"id":"chatcmpl-fixed1"');
  });

  it('default to the system clock and random ids in the providers’ shapes', () => {
    const before = Math.floor(Date.now() / 1000);
    const value = translateResponse({ from: 'anthropic-messages', to: 'openai-chat', body: anthropicMessage }).value;
    expect(value.created).toBeGreaterThanOrEqual(before);
    const anthropic = convert({ from: 'openai-chat', to: 'anthropic-messages' }, chatStream);
    expect(anthropic).toMatch(/"id":"msg_[0-9a-f]{24}"/);
    const chat = convert(
      { from: 'anthropic-messages', to: 'openai-chat' },
      anthropicStream.replace('"id":"msg_1"', '"id":""'),
    );
    expect(chat).toMatch(/"id":"chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/);
  });
});
