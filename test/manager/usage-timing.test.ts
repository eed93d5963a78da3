import { describe, expect, it } from 'vitest';
import {
  type Executor,
  FillFirstSelector,
  Manager,
  type MockBehaviour,
  mockExecutor,
  type UsageRecord,
} from '../../src/index.js';
import { rejection, text } from './helpers.js';

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

/**
 * The mock behind a fake clock that only the upstream moves: each call takes `callMs`, each stream chunk
 * `chunkMs`. Each onAttempt hook adds `gatewayMs` (time the gateway spends before the call).
 */
function setup(
  behaviours: Record<string, MockBehaviour>,
  times: { callMs: number; chunkMs?: number; gatewayMs?: number },
) {
  const clock = { now: 1_000_000 };
  const mock = mockExecutor({ behaviours });
  const timed: Executor = {
    ...mock,
    async execute(request) {
      clock.now += times.callMs;
      const response = await mock.execute(request);
      const chunkMs = times.chunkMs;
      if (!chunkMs) return response;
      return {
        ...response,
        body: (async function* () {
          for await (const chunk of response.body) {
            clock.now += chunkMs;
            yield chunk;
          }
        })(),
      };
    },
  };
  const usage: UsageRecord[] = [];
  const manager = new Manager({
    executors: [timed],
    credentials: Object.keys(behaviours).map((id) => ({
      id,
      provider: 'mock',
      apiKey: `sk-${id}-0123456789`,
      models: [{ name: 'mock-model' }],
    })),
    selector: new FillFirstSelector(),
    retry: { attempts: 3, baseDelayMs: 0 },
    hooks: {
      onAttempt: () => {
        clock.now += times.gatewayMs ?? 0;
      },
      onUsage: (r) => usage.push(r),
    },
    now: () => clock.now,
  });
  return { manager, usage };
}

describe('usage records: time waiting on the upstream and the status the caller got', () => {
  it('a non-stream answer: upstreamMs is the call, the rest of latencyMs is the gateway', async () => {
    const { manager, usage } = setup({ a: {} }, { callMs: 40, gatewayMs: 5 });
    await text((await manager.execute({ dialect: 'openai-chat', body: chat() })).body);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ success: true, status: 200, upstreamMs: 40, latencyMs: 45 });
  });

  it('a failover sums the upstream time of every attempt', async () => {
    const { manager, usage } = setup({ a: { statuses: [429] }, b: {} }, { callMs: 30, gatewayMs: 2 });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.credentialId).toBe('b');
    expect(usage[0]).toMatchObject({ attempts: 2, status: 200, upstreamMs: 60, latencyMs: 64 });
  });

  it('a stream counts the upstream until its last chunk', async () => {
    const { manager, usage } = setup({ a: {} }, { callMs: 10, chunkMs: 3, gatewayMs: 1 });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat({ stream: true }) });
    expect(await text(res.body)).toContain('data: [DONE]');
    const record = usage[0]!;
    expect(record).toMatchObject({ stream: true, success: true, status: 200 });
    // The call's 10 ms and 3 ms per chunk read; only the onAttempt hook's 1 ms is the gateway's.
    expect(record.upstreamMs).toBeGreaterThan(10);
    expect(record.latencyMs - record.upstreamMs!).toBe(1);
  });

  it('a failed request carries the status the caller got', async () => {
    const { manager, usage } = setup({ a: { statuses: [400] } }, { callMs: 7 });
    const error = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(error.status).toBe(400);
    expect(usage[0]).toMatchObject({ success: false, status: 400, upstreamMs: 7 });
  });

  it('a model nobody serves never reached an upstream', async () => {
    const { manager, usage } = setup({ a: {} }, { callMs: 7 });
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat({ model: 'nope' }) }));
    expect(usage[0]).toMatchObject({ success: false, status: 404, upstreamMs: 0, attempts: 0 });
  });

  it('a token count answered locally (Chat Completions has no counter) reports usage too', async () => {
    const { manager, usage } = setup({ a: {} }, { callMs: 7 });
    const res = await manager.execute({ dialect: 'openai-chat', operation: 'count_tokens', body: chat() });
    expect(res.warnings[0]).toMatch(/count-tokens-estimated/);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ success: true, status: 200, upstreamMs: 0, attempts: 1, credentialId: 'a' });
  });
});
