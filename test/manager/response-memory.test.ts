// Follow-ups of answers the gateway gave Responses callers from another upstream: `item_reference`
// items and `previous_response_id` are resolved from what it remembers, or refused clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicExecutor, Manager, MemoryStateStore, SwitchyardError } from '../../src/index.js';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { text } from './helpers.js';

const decoder = new TextDecoder();

async function json(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<Record<string, unknown>> {
  return JSON.parse(decoder.decode(body as Uint8Array));
}

describe('response memory (Responses callers, Anthropic upstream)', () => {
  let claude: FakeAnthropic;
  beforeAll(async () => {
    claude = await startFakeAnthropic({ text: 'Let me check the weather.' });
  });
  afterAll(() => claude.close());

  const manager = (state = new MemoryStateStore()) =>
    new Manager({
      executors: [anthropicExecutor()],
      state,
      credentials: [{ id: 'c1', provider: 'anthropic', apiKey: 'sk-ant-1-xxxx', baseUrl: '' }],
    });

  const assistantTexts = (body: unknown) =>
    ((body as { messages: Array<{ role: string; content: unknown }> }).messages ?? [])
      .filter((m) => m.role === 'assistant')
      .map((m) => JSON.stringify(m.content));

  it('resolves previous_response_id and item_reference from an earlier non-stream answer', async () => {
    const state = new MemoryStateStore();
    const m = new Manager({
      executors: [anthropicExecutor()],
      state,
      credentials: [{ id: 'c1', provider: 'anthropic', apiKey: 'sk-ant-1-xxxx', baseUrl: claude.url }],
    });
    const first = await m.execute({
      dialect: 'openai-responses',
      body: { model: 'claude-x', input: 'What is the weather?' },
    });
    const answer = await json(first.body);
    const message = (answer.output as Array<{ id: string; type: string }>).find((o) => o.type === 'message')!;
    expect(message.id).toBeTruthy();

    await m.execute({
      dialect: 'openai-responses',
      body: { model: 'claude-x', previous_response_id: answer.id, input: 'And tomorrow?' },
    });
    const sent = claude.last!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.map((x) => x.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sent.messages[0]!.content)).toContain('What is the weather?');
    expect(JSON.stringify(sent.messages[1]!.content)).toContain('Let me check the weather.');
    await m.execute({
      dialect: 'openai-responses',
      body: {
        model: 'claude-x',
        input: [
          { role: 'user', content: 'What is the weather?' },
          { type: 'item_reference', id: message.id },
          { role: 'user', content: 'And tomorrow?' },
        ],
      },
    });
    expect(assistantTexts(claude.last!.body).join()).toContain('Let me check the weather.');
  });

  it('remembers streamed answers too', async () => {
    const m = new Manager({
      executors: [anthropicExecutor()],
      credentials: [{ id: 'c1', provider: 'anthropic', apiKey: 'sk-ant-1-xxxx', baseUrl: claude.url }],
    });
    const first = await m.execute({
      dialect: 'openai-responses',
      body: { model: 'claude-x', stream: true, input: 'What is the weather?' },
    });
    const out = await text(first.body);
    const completed = out.split('\n\n').find((e) => e.startsWith('event: response.completed'))!;
    const response = JSON.parse(completed.split('data: ')[1]!).response as { id: string };
    await m.execute({
      dialect: 'openai-responses',
      body: { model: 'claude-x', previous_response_id: response.id, input: 'And tomorrow?' },
    });
    expect(assistantTexts(claude.last!.body).join()).toContain('Let me check the weather.');
  });

  it('refuses what it cannot resolve with a 400 naming the field, before calling the upstream', async () => {
    const m = manager();
    const before = claude.requests.length;
    for (const [body, param] of [
      [{ model: 'claude-x', input: [{ type: 'item_reference', id: 'msg_unknown' }] }, 'input[0]'],
      [{ model: 'claude-x', previous_response_id: 'resp_unknown', input: 'hi' }, 'previous_response_id'],
    ] as const) {
      let error: unknown;
      try {
        await m.execute({ dialect: 'openai-responses', body: body as Record<string, unknown> });
      } catch (err) {
        error = err;
      }
      expect(SwitchyardError.is(error) && error.kind).toBe('invalid_request');
      expect((error as SwitchyardError).param).toBe(param);
      expect((error as SwitchyardError).status).toBe(400);
    }
    expect(claude.requests.length).toBe(before);
  });
});
