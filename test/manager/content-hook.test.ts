import { describe, expect, it } from 'vitest';
import {
  type ContentRecord,
  Manager,
  type ManagerHooks,
  MemoryTokenStore,
  type MockBehaviour,
  mockExecutor,
  type UsageRecord,
} from '../../src/index.js';
import { rejection, text } from './helpers.js';

const decoder = new TextDecoder();

function setup(behaviour: MockBehaviour, hooks: ManagerHooks, maxContentBytes?: number) {
  const manager = new Manager({
    executors: [mockExecutor({ behaviours: { a: behaviour } })],
    store: new MemoryTokenStore([{ id: 'a', provider: 'mock', apiKey: 'sk-a-0123456789', models: [{ name: 'm' }] }]),
    retry: { attempts: 1, baseDelayMs: 0 },
    ...(maxContentBytes !== undefined ? { maxContentBytes } : {}),
  });
  manager.addHooks(hooks);
  return manager;
}

/** Hooks that record, in order, the content and usage events they see. */
function recorder() {
  const events: Array<{ type: 'content'; record: ContentRecord } | { type: 'usage'; record: UsageRecord }> = [];
  const hooks: ManagerHooks = {
    onContent: (record) => events.push({ type: 'content', record }),
    onUsage: (record) => events.push({ type: 'usage', record }),
  };
  return { events, hooks };
}

const body = (extra: Record<string, unknown> = {}) => ({
  model: 'm',
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});

describe('hooks.onContent', () => {
  it('gets the request and the whole answer the caller got, just before the usage record', async () => {
    const { events, hooks } = recorder();
    const manager = setup({ reply: 'a whole answer' }, hooks);
    const request = body();
    const answer = await text((await manager.execute({ dialect: 'openai-chat', body: request })).body);
    expect(events.map((e) => e.type)).toEqual(['content', 'usage']);
    const content = events[0]!.record as ContentRecord;
    expect(content.request).toBe(request);
    expect(decoder.decode(content.response)).toBe(answer);
    expect(content).toMatchObject({ dialect: 'openai-chat', stream: false, truncated: false });
    expect(content.requestId).toBe((events[1]!.record as UsageRecord).requestId);
  });

  it('gets every byte of a stream, in order, once the caller has read it', async () => {
    const { events, hooks } = recorder();
    const manager = setup({ reply: 'one two three four' }, hooks);
    const result = await manager.execute({
      dialect: 'anthropic-messages',
      body: body({ max_tokens: 10, stream: true }),
    });
    expect(events).toHaveLength(0);
    const sse = await text(result.body);
    expect(events.map((e) => e.type)).toEqual(['content', 'usage']);
    const content = events[0]!.record as ContentRecord;
    expect(content.stream).toBe(true);
    expect(decoder.decode(content.response)).toBe(sse);
    expect(sse).toContain('message_stop');
  });

  it('cuts a long answer at maxContentBytes and says so', async () => {
    const { events, hooks } = recorder();
    const manager = setup({ reply: 'word '.repeat(200) }, hooks, 64);
    await text((await manager.execute({ dialect: 'openai-chat', body: body({ stream: true }) })).body);
    const content = events[0]!.record as ContentRecord;
    expect(content.response?.byteLength).toBe(64);
    expect(content.truncated).toBe(true);
  });

  it('reports the request of a failed one with no answer', async () => {
    const { events, hooks } = recorder();
    const manager = setup({ statuses: [400] }, hooks);
    await rejection(manager.execute({ dialect: 'openai-chat', body: body() }));
    const content = events.find((e) => e.type === 'content')!.record as ContentRecord;
    expect(content.request).toMatchObject({ model: 'm' });
    expect(content.response).toBeUndefined();
  });

  it('a stream dropped unread still releases its credential', async () => {
    const { hooks } = recorder();
    const manager = setup({ reply: 'never read', chunkDelayMs: 1 }, hooks);
    const result = await manager.execute({ dialect: 'openai-chat', body: body({ stream: true }) });
    expect((await manager.status()).credentials[0]!.inFlight).toBe(1);
    await (result.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]().return?.();
    expect((await manager.status()).credentials[0]!.inFlight).toBe(0);
    expect((await manager.status()).inFlight).toBe(0);
  });
});
