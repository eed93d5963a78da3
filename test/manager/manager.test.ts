import { describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  type Credential,
  FillFirstSelector,
  Manager,
  type ManagerOptions,
  MemoryStateStore,
  MemoryTokenStore,
  type MockBehaviour,
  mockExecutor,
  type UsageRecord,
} from '../../src/index.js';
import { rejection, text } from './helpers.js';

const chat = (text = 'hello', extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [{ role: 'user', content: text }],
  ...extra,
});

function setup(
  ids: string[],
  behaviours: Record<string, MockBehaviour> = {},
  options: Partial<ManagerOptions> & { credentials?: Credential[] } = {},
) {
  const mock = mockExecutor({ behaviours });
  const usage: UsageRecord[] = [];
  const clock = { now: 1_000_000 };
  const manager = new Manager({
    executors: [mock],
    credentials:
      options.credentials ?? ids.map((id) => ({ id, provider: 'mock', apiKey: `sk-secret-${id}-0123456789` })),
    retry: { attempts: 3, baseDelayMs: 0 },
    hooks: { onUsage: (r) => usage.push(r) },
    now: () => clock.now,
    ...options,
  });
  return { manager, mock, usage, clock };
}

describe('Manager: rotation and failover', () => {
  it('rotates round-robin: 3 credentials, 300 requests, 100 each', async () => {
    const { manager } = setup(['a', 'b', 'c']);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
      counts[res.credentialId] = (counts[res.credentialId] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 100, b: 100, c: 100 });
  });

  it('answers in the caller dialect with the mock reply', async () => {
    const { manager } = setup(['a']);
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('ping') });
    const body = JSON.parse(await text(res.body));
    expect(body.choices[0].message.content).toBe('Mock reply to: ping');
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('fails over past a credential that answers 429 and cools it down for that model', async () => {
    const { manager, mock, clock } = setup(
      ['a', 'b'],
      { a: { statuses: [429], retryAfter: '2' } },
      {
        selector: new FillFirstSelector(),
      },
    );
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.credentialId).toBe('b');
    expect(mock.calls.map((c) => c.credentialId)).toEqual(['a', 'b']);
    const cooldowns = await manager.cooldowns();
    expect(cooldowns).toEqual([
      expect.objectContaining({
        credentialId: 'a',
        model: 'mock-model',
        until: clock.now + 2000,
        reason: 'rate_limited',
      }),
    ]);
    // While cooling, a is skipped without being called.
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(mock.calls.map((c) => c.credentialId)).toEqual(['a', 'b', 'b']);
    // After the cooldown expires, fill-first goes back to a (which now answers 200).
    clock.now += 2001;
    const later = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(later.credentialId).toBe('a');
  });

  it('reads Retry-After as an HTTP date too, and retry-after-ms first', async () => {
    const { manager, clock } = setup(['a', 'b'], {
      a: { statuses: [429], retryAfter: new Date(Date.now() + 120_000).toUTCString() },
      b: { statuses: [429], retryAfter: '60', retryAfterMs: 1500 },
    });
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(err.kind).toBe('rate_limited');
    const byId = Object.fromEntries((await manager.cooldowns()).map((c) => [c.credentialId, c.until - clock.now]));
    expect(byId.a).toBeGreaterThan(115_000);
    expect(byId.a).toBeLessThanOrEqual(120_000);
    expect(byId.b).toBe(1500);
    // Every candidate cooling: one rate_limited error with the earliest retry-after.
    expect(err.retryAfterMs).toBe(1500);
  });

  it('caps upstream reset hints at maxCooldownMs and lets a success clear nothing it should not', async () => {
    const { manager, clock } = setup(
      ['a', 'b'],
      { a: { statuses: [429], retryAfter: String(3 * 86400) } },
      {
        selector: new FillFirstSelector(),
        cooldowns: { maxCooldownMs: 10 * 60_000 },
      },
    );
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    const [cooldown] = await manager.cooldowns();
    expect(cooldown!.until - clock.now).toBe(10 * 60_000);
  });

  it('doubles hint-less 429 cooldowns per repeat', async () => {
    const { manager, clock } = setup(['a'], { a: { statuses: [429, 429, 429] } });
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
      const [c] = await manager.cooldowns();
      seen.push(c!.until - clock.now);
      clock.now = c!.until + 1;
    }
    expect(seen).toEqual([1000, 2000, 4000]);
  });

  it('gives every cooling candidate one rate_limited error with the earliest retry-after', async () => {
    const { manager } = setup(['a', 'b'], {
      a: { statuses: [429], retryAfter: '30' },
      b: { statuses: [429], retryAfter: '5' },
    });
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(err.code).toBe('SWITCHYARD_RATE_LIMITED');
    expect(err.retryAfterMs).toBe(5000);
  });

  it('never retries an invalid request and never cools a credential for it', async () => {
    const { manager, mock } = setup(['a', 'b'], { a: { statuses: [400] }, b: { statuses: [400] } });
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(err.kind).toBe('invalid_request');
    expect(mock.calls).toHaveLength(1);
    expect(await manager.cooldowns()).toEqual([]);
  });

  it('stops after retry.attempts', async () => {
    const { manager, mock } = setup(['a', 'b', 'c', 'd'], {
      a: { statuses: [500] },
      b: { statuses: [500] },
      c: { statuses: [500] },
      d: { statuses: [500] },
    });
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(err.kind).toBe('upstream_error');
    expect(mock.calls).toHaveLength(3);
  });

  it('quotaExceeded fail-fast returns the 429 without failing over', async () => {
    const { manager, mock } = setup(
      ['a', 'b'],
      { a: { statuses: [429] } },
      {
        quotaExceeded: 'fail-fast',
        selector: new FillFirstSelector(),
      },
    );
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(err.kind).toBe('rate_limited');
    expect(mock.calls).toHaveLength(1);
  });

  it('quotaExceeded skip-auth cools the whole credential', async () => {
    const { manager } = setup(
      ['a', 'b'],
      { a: { statuses: [429] } },
      {
        quotaExceeded: 'skip-auth',
        selector: new FillFirstSelector(),
      },
    );
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect((await manager.cooldowns())[0]).toMatchObject({ credentialId: 'a', model: '*' });
  });

  it('uses the highest priority tier first and lower tiers only when it has nothing available', async () => {
    const credentials: Credential[] = [
      { id: 'low', provider: 'mock', priority: 0 },
      { id: 'high1', provider: 'mock', priority: 10 },
      { id: 'high2', provider: 'mock', priority: 10 },
    ];
    const { manager } = setup([], { high1: { statuses: [500] }, high2: { statuses: [503] } }, { credentials });
    const first = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(first.credentialId).toBe('low');
    const { manager: healthy } = setup([], {}, { credentials });
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++)
      ids.add((await healthy.execute({ dialect: 'openai-chat', body: chat() })).credentialId);
    expect([...ids].sort()).toEqual(['high1', 'high2']);
  });

  it('disables a credential after a 401 until its secret changes', async () => {
    const store = new MemoryTokenStore([
      { id: 'a', provider: 'mock', apiKey: 'sk-old-secret-aaaa' },
      { id: 'b', provider: 'mock', apiKey: 'sk-b-secret-bbbb' },
    ]);
    const { manager, mock } = setup([], { a: { statuses: [401] } }, { store, selector: new FillFirstSelector() });
    expect((await manager.execute({ dialect: 'openai-chat', body: chat() })).credentialId).toBe('b');
    expect((await manager.cooldowns())[0]).toMatchObject({ credentialId: 'a', model: '*', reason: 'unauthorized' });
    expect((await manager.execute({ dialect: 'openai-chat', body: chat() })).credentialId).toBe('b');
    const a = (await store.get('a'))!;
    await store.save({ ...a, apiKey: 'sk-new-secret-aaaa' });
    await new Promise((r) => setTimeout(r, 10));
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.credentialId).toBe('a');
    expect(mock.calls.at(-1)!.secret).toBe('sk-new-secret-aaaa');
  });

  it('gives model_not_found for a model no credential serves', async () => {
    const credentials: Credential[] = [{ id: 'a', provider: 'mock', models: [{ name: 'mock-model' }] }];
    const { manager } = setup([], {}, { credentials });
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: { ...chat(), model: 'nope' } }));
    expect(err.code).toBe('SWITCHYARD_MODEL_NOT_FOUND');
    expect(err.status).toBe(404);
  });
});

describe('Manager: streams', () => {
  it('relays a stream in the caller dialect and reports usage', async () => {
    const { manager, usage } = setup(['a']);
    const res = await manager.execute({
      dialect: 'openai-chat',
      body: chat('stream me', { stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.stream).toBe(true);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const out = await text(res.body);
    expect(out.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const content = out
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)))
      .flatMap((c) => c.choices.map((ch: { delta: { content?: string } }) => ch.delta.content ?? ''))
      .join('');
    expect(content).toBe('Mock reply to: stream me');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ success: true, credentialId: 'a', stream: true });
    expect(usage[0]!.completionTokens).toBeGreaterThan(0);
  });

  it('retries on an empty stream while nothing has been sent', async () => {
    const { manager, mock } = setup(['a', 'b'], { a: { empty: true } }, { selector: new FillFirstSelector() });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('x', { stream: true }) });
    expect(res.credentialId).toBe('b');
    expect(await text(res.body)).toContain('[DONE]');
    expect(mock.calls.map((c) => c.credentialId)).toEqual(['a', 'b']);
  });

  it('retries a stream that ends without its terminal event before the first byte', async () => {
    const { manager } = setup(['a', 'b'], { a: { dropAfterChunks: 0 } }, { selector: new FillFirstSelector() });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('x', { stream: true }) });
    expect(res.credentialId).toBe('b');
  });

  it('fails over when no first byte arrives within firstByteTimeoutMs', async () => {
    const { manager, mock } = setup(
      ['a', 'b'],
      { a: { stall: 'body' } },
      {
        selector: new FillFirstSelector(),
        firstByteTimeoutMs: 50,
      },
    );
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('x', { stream: true }) });
    expect(res.credentialId).toBe('b');
    expect(mock.calls).toHaveLength(2);
    expect((await manager.cooldowns())[0]).toMatchObject({ credentialId: 'a', reason: 'transient' });
  });

  it('never retries once a byte has reached the caller', async () => {
    const { manager, mock, usage } = setup(
      ['a', 'b'],
      { a: { failAfterChunks: 2 } },
      {
        selector: new FillFirstSelector(),
      },
    );
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('one two three four', { stream: true }) });
    expect(res.credentialId).toBe('a');
    const out = await text(res.body);
    expect(mock.calls).toHaveLength(1);
    expect(out).toContain('Mock');
    expect(out).not.toContain('four');
    expect(usage.at(-1)).toMatchObject({ success: false, credentialId: 'a' });
  });
});

describe('Manager: OAuth refresh', () => {
  it('refreshes an expiring credential exactly once for 100 concurrent requests, saving before use', async () => {
    const store = new MemoryTokenStore([
      {
        id: 'o',
        provider: 'mock',
        kind: 'oauth',
        oauth: { accessToken: 'old-access-token', refreshToken: 'refresh-token-1', expiresAt: Date.now() + 1000 },
      },
    ]);
    const mock = mockExecutor({
      refresh: async (c) => {
        await new Promise((r) => setTimeout(r, 20));
        return { ...c, oauth: { ...c.oauth!, accessToken: 'new-access-token', expiresAt: Date.now() + 3_600_000 } };
      },
    });
    const manager = new Manager({ executors: [mock], store });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => manager.execute({ dialect: 'openai-chat', body: chat() })),
    );
    expect(results).toHaveLength(100);
    expect(mock.refreshCount).toBe(1);
    expect(new Set(mock.calls.map((c) => c.secret))).toEqual(new Set(['new-access-token']));
    expect((await store.get('o'))!.oauth!.accessToken).toBe('new-access-token');
  });

  it('refreshes once after a 401 and retries the same credential', async () => {
    const store = new MemoryTokenStore([
      {
        id: 'o',
        provider: 'mock',
        kind: 'oauth',
        oauth: { accessToken: 'stale-token-value', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000 },
      },
    ]);
    const mock = mockExecutor({ behaviours: { o: { statuses: [401] } } });
    const manager = new Manager({ executors: [mock], store, retry: { baseDelayMs: 0 } });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.credentialId).toBe('o');
    expect(mock.refreshCount).toBe(1);
    expect(mock.calls.map((c) => c.secret)[0]).toBe('stale-token-value');
    expect(mock.calls[1]!.secret).not.toBe('stale-token-value');
  });

  it('backs off after a failed refresh and does not loop', async () => {
    const store = new MemoryTokenStore([
      { id: 'o', provider: 'mock', kind: 'oauth', oauth: { accessToken: 't0-token', refreshToken: 'r', expiresAt: 0 } },
    ]);
    let calls = 0;
    const mock = mockExecutor({
      refresh: () => {
        calls += 1;
        throw new Error('invalid_grant');
      },
    });
    const manager = new Manager({ executors: [mock], store, retry: { baseDelayMs: 0 } });
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(err.kind).toBe('refresh_failed');
    expect(calls).toBe(1);
    // The backoff keeps it out: the next request does not refresh again.
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    expect(calls).toBe(1);
    expect(mock.calls).toHaveLength(0);
  });
});

describe('Manager: abort', () => {
  it('passes the caller abort to the executor and reports aborted', async () => {
    const { manager, mock } = setup(['a', 'b'], { a: { stall: 'headers' } }, { selector: new FillFirstSelector() });
    const controller = new AbortController();
    const pending = manager.execute({ dialect: 'openai-chat', body: chat(), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const err = await rejection(pending);
    expect(err.kind).toBe('aborted');
    expect(mock.calls).toHaveLength(1);
    expect(await manager.cooldowns()).toEqual([]);
  });

  it('cancels a pending backoff', async () => {
    // Fake timers: the 10 s backoff can only end early through the abort, so no clock is read.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let failed!: () => void;
      const firstFailure = new Promise<void>((resolve) => {
        failed = resolve;
      });
      const { manager, mock } = setup(
        ['a', 'b'],
        { a: { statuses: [500] } },
        {
          selector: new FillFirstSelector(),
          retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 },
          hooks: { onResult: (result) => (result.ok ? undefined : failed()) },
        },
      );
      const controller = new AbortController();
      const pending = rejection(manager.execute({ dialect: 'openai-chat', body: chat(), signal: controller.signal }));
      await firstFailure;
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(vi.getTimerCount()).toBe(1); // the backoff, pending
      let settled = false;
      void pending.finally(() => {
        settled = true;
      });
      controller.abort();
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(true); // rejected at the abort, with the clock stopped
      const err = await pending;
      expect(err).toBeInstanceOf(AbortedError);
      expect(err.kind).toBe('aborted');
      expect(vi.getTimerCount()).toBe(0); // cleared by the abort, not waited out
      expect(mock.calls.map((c) => c.credentialId)).toEqual(['a']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Manager: shared windows', () => {
  it('charges fixed windows in its state store, on its own clock unless given one', async () => {
    const state = new MemoryStateStore();
    const { manager, clock } = setup(['a'], {}, { state });
    expect(await manager.chargeWindow('rpm:k', 1, 60_000)).toEqual({ total: 1, resetAt: clock.now + 60_000 });
    expect(await manager.chargeWindow('rpm:k', 2, 60_000, clock.now + 10)).toEqual({
      total: 3,
      resetAt: clock.now + 60_000,
    });
    expect(await manager.chargeWindow('rpm:k', 0, 60_000)).toEqual({ total: 3, resetAt: clock.now + 60_000 });
    expect(await state.hit('rpm:k', 0, 60_000, clock.now)).toEqual({ total: 3, resetAt: clock.now + 60_000 });
    expect(await manager.chargeWindow('rpm:k', 1, 60_000, clock.now + 60_000)).toEqual({
      total: 1,
      resetAt: clock.now + 120_000,
    });
  });
});

describe('Manager: store changes', () => {
  it('follows credentials added and removed without a restart', async () => {
    const store = new MemoryTokenStore([{ id: 'a', provider: 'mock' }]);
    const { manager } = setup([], {}, { store });
    expect((await manager.execute({ dialect: 'openai-chat', body: chat() })).credentialId).toBe('a');
    await store.save({ id: 'b', provider: 'mock' });
    await store.delete('a');
    await new Promise((r) => setTimeout(r, 10));
    expect((await manager.execute({ dialect: 'openai-chat', body: chat() })).credentialId).toBe('b');
  });

  it('lets an in-flight stream finish on the credential it started with', async () => {
    const store = new MemoryTokenStore([{ id: 'a', provider: 'mock', apiKey: 'sk-aaaa-1111' }]);
    const { manager } = setup([], { a: { chunkDelayMs: 5 } }, { store });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('a b c d e f', { stream: true }) });
    await store.delete('a');
    const out = await text(res.body);
    expect(out).toContain('[DONE]');
    expect(res.credentialId).toBe('a');
  });
});

describe('Manager: secrets', () => {
  it('never puts a secret in logs, usage records, hook payloads or errors', async () => {
    const secret = 'sk-planted-secret-9f8e7d6c5b4a';
    const lines: string[] = [];
    const log = (obj: Record<string, unknown>, msg?: string) => lines.push(JSON.stringify(obj) + (msg ?? ''));
    const hooks: string[] = [];
    const mock = mockExecutor({ behaviours: { a: { statuses: [429, 401, 500] } } });
    const manager = new Manager({
      executors: [mock],
      credentials: [
        { id: 'a', provider: 'mock', apiKey: secret },
        {
          id: 'o',
          provider: 'mock',
          kind: 'oauth',
          oauth: { accessToken: `${secret}-access`, refreshToken: `${secret}-refresh`, expiresAt: 0 },
        },
      ],
      state: new MemoryStateStore(),
      retry: { attempts: 4, baseDelayMs: 0 },
      logger: { debug: log, info: log, warn: log, error: log },
      hooks: {
        onAttempt: (x) => hooks.push(JSON.stringify(x)),
        onResult: (x) => hooks.push(JSON.stringify({ ...x, error: x.error?.message })),
        onUsage: (x) => hooks.push(JSON.stringify(x)),
      },
    });
    const errors: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        await manager.execute({ dialect: 'openai-chat', body: chat() });
      } catch (err) {
        errors.push(String(err), JSON.stringify(err), (err as Error).message);
      }
    }
    const everything = [...lines, ...hooks, ...errors].join('\n');
    expect(hooks.length).toBeGreaterThan(5);
    expect(everything).not.toContain(secret);
  });
});

describe('Manager: cooldown strikes, token counts, model listing', () => {
  it('a success after a cooldown ran out resets the doubling of hint-less 429s', async () => {
    const { manager, clock } = setup(['a'], { a: { statuses: [429, 200, 429] } });
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    const [first] = await manager.cooldowns();
    expect(first!.until - clock.now).toBe(1000);
    clock.now = first!.until + 1;
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    await new Promise((r) => setTimeout(r, 0));
    await rejection(manager.execute({ dialect: 'openai-chat', body: chat() }));
    const [second] = await manager.cooldowns();
    expect(second!.until - clock.now).toBe(1000);
  });

  it('answers count_tokens with a local estimate when the upstream speaks Chat Completions', async () => {
    let called = 0;
    const chatOnly = {
      provider: 'chatonly',
      nativeDialect: () => 'openai-chat' as const,
      async execute(): Promise<never> {
        called += 1;
        throw new Error('must not be called');
      },
    };
    const manager = new Manager({ executors: [chatOnly], credentials: [{ id: 'c', provider: 'chatonly' }] });
    const body = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(400) }] };
    const res = await manager.execute({ dialect: 'anthropic-messages', operation: 'count_tokens', body });
    const counted = JSON.parse(await text(res.body));
    expect(called).toBe(0);
    expect(counted.input_tokens).toBeGreaterThanOrEqual(100);
    expect(counted.input_tokens).toBeLessThan(130);
    expect(res.warnings[0]).toContain('estimate');
  });

  it('renders an upstream token count in the caller dialect', async () => {
    const gemini = {
      provider: 'g',
      nativeDialect: () => 'gemini' as const,
      async execute() {
        const bytes = new TextEncoder().encode(JSON.stringify({ totalTokens: 42 }));
        return {
          status: 200,
          headers: {},
          body: (async function* () {
            yield bytes;
          })(),
        };
      },
    };
    const manager = new Manager({ executors: [gemini], credentials: [{ id: 'g1', provider: 'g' }] });
    const res = await manager.execute({
      dialect: 'anthropic-messages',
      operation: 'count_tokens',
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(JSON.parse(await text(res.body))).toEqual({ input_tokens: 42 });
  });

  it('lists model aliases and what executors report for credentials without a model list', async () => {
    const credentials: Credential[] = [
      { id: 'a', provider: 'mock', models: [{ name: 'upstream-x', alias: 'x' }] },
      { id: 'b', provider: 'mock' },
    ];
    const { manager } = setup([], {}, { credentials });
    const ids = (await manager.listModels()).map((m) => m.id).sort();
    expect(ids).toEqual(['mock-model', 'x']);
  });
});

describe('Manager: invalid input', () => {
  it('rejects a request the translation cannot represent with invalid_request naming the field, without calling upstream', async () => {
    const anthropicOnly = {
      provider: 'anth',
      calls: 0,
      nativeDialect: () => 'anthropic-messages' as const,
      async execute(): Promise<never> {
        anthropicOnly.calls += 1;
        throw new Error('must not be called');
      },
    };
    const manager = new Manager({ executors: [anthropicOnly], credentials: [{ id: 'x', provider: 'anth' }] });
    const err = await rejection(
      manager.execute({ dialect: 'openai-chat', body: { model: 'm', messages: 'not a list' } }),
    );
    expect(err.kind).toBe('invalid_request');
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages');
    expect(anthropicOnly.calls).toBe(0);
    expect(await manager.cooldowns()).toEqual([]);
  });
});

describe('Manager: tool names an upstream had to rename', () => {
  it('gives an OpenAI caller its own tool name back from a Gemini upstream that needed a shorter one', async () => {
    const longName = `mcp__workspace_server__${'very_long_tool_name_'.repeat(3)}search`;
    const seen: string[] = [];
    const gemini = {
      provider: 'g',
      nativeDialect: () => 'gemini' as const,
      async execute(request: { body: Record<string, unknown> }) {
        const declared = (request.body.tools as Array<{ functionDeclarations: Array<{ name: string }> }>)[0]!
          .functionDeclarations[0]!.name;
        seen.push(declared);
        const answer = {
          candidates: [
            {
              content: { role: 'model', parts: [{ functionCall: { name: declared, args: { q: 'x' } } }] },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
        };
        const bytes = new TextEncoder().encode(JSON.stringify(answer));
        return {
          status: 200,
          headers: {},
          body: (async function* () {
            yield bytes;
          })(),
        };
      },
    };
    const manager = new Manager({ executors: [gemini], credentials: [{ id: 'g1', provider: 'g' }] });
    const res = await manager.execute({
      dialect: 'openai-chat',
      body: {
        model: 'm',
        messages: [{ role: 'user', content: 'find x' }],
        tools: [
          {
            type: 'function',
            function: { name: longName, parameters: { type: 'object', properties: { q: { type: 'string' } } } },
          },
        ],
      },
    });
    expect(seen[0]!.length).toBeLessThanOrEqual(64);
    expect(seen[0]).not.toBe(longName);
    const completion = JSON.parse(await text(res.body));
    expect(completion.choices[0].message.tool_calls[0].function.name).toBe(longName);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('Manager: credentials their executor cannot refresh', () => {
  it('disables an OAuth credential after a 401 when its executor says it cannot refresh it, without trying', async () => {
    const store = new MemoryTokenStore([
      { id: 'o', provider: 'mock', kind: 'oauth', oauth: { accessToken: 'tok-o-1234', refreshToken: 'r-1234' } },
      { id: 'k', provider: 'mock', apiKey: 'sk-k-1234' },
    ]);
    const mock = Object.assign(mockExecutor({ behaviours: { o: { statuses: [401] } } }), { canRefresh: () => false });
    const manager = new Manager({
      executors: [mock],
      store,
      selector: new FillFirstSelector(),
      retry: { baseDelayMs: 0 },
    });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.credentialId).toBe('k');
    expect(mock.refreshCount).toBe(0);
    expect((await manager.cooldowns())[0]).toMatchObject({ credentialId: 'o', model: '*', reason: 'unauthorized' });
  });
});

describe('Manager: answers nobody reads, and usage as a promise', () => {
  it('releases the in-flight slot and the upstream when a stream is abandoned before its first read', async () => {
    const state = new MemoryStateStore();
    const { manager, usage } = setup(['a'], { a: { chunkDelayMs: 5 } }, { state });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat('a b c', { stream: true }) });
    expect(state.selection({ cursorKey: 'k', model: 'm', now: 0, withInFlight: true }).inFlight?.get('a')).toBe(1);
    await (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]().return?.();
    expect(
      state.selection({ cursorKey: 'k', model: 'm', now: 0, withInFlight: true }).inFlight?.get('a'),
    ).toBeUndefined();
    expect(usage.at(-1)).toMatchObject({ success: false, credentialId: 'a' });
    expect(await res.usage).toBeUndefined();
  });

  it('resolves usage when a stream ends, and at once for a non-stream answer', async () => {
    const { manager } = setup(['a']);
    const streamed = await manager.execute({
      dialect: 'anthropic-messages',
      body: {
        model: 'mock-model',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'one two three' }],
      },
    });
    let settled = false;
    void streamed.usage.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    await text(streamed.body);
    const u = await streamed.usage;
    expect(u?.outputTokens).toBeGreaterThan(0);
    const plain = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect((await plain.usage)?.inputTokens).toBeGreaterThan(0);
  });
});

describe('Manager: addHooks', () => {
  it('reports to every hook set added, in order, until each is removed', async () => {
    const { manager, usage } = setup(['a']);
    const seen: string[] = [];
    const removeFirst = manager.addHooks({
      onAttempt: (a) => seen.push(`first attempt ${a.credentialId}`),
      onUsage: (r) => seen.push(`first usage ${r.success}`),
    });
    manager.addHooks({ onResult: (r) => seen.push(`second result ${r.ok}`) });
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(seen).toEqual(['first attempt a', 'second result true', 'first usage true']);
    expect(usage).toHaveLength(1);

    removeFirst();
    removeFirst();
    seen.length = 0;
    await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(seen).toEqual(['second result true']);
    expect(usage).toHaveLength(2);
  });

  it('a hook that throws is logged and does not stop the others or the request', async () => {
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (o: unknown) => warnings.push(o), error() {} };
    const { manager } = setup(['a'], {}, { logger });
    const seen: string[] = [];
    manager.addHooks({
      onUsage: () => {
        throw new Error('boom');
      },
    });
    manager.addHooks({ onUsage: () => seen.push('after') });
    const res = await manager.execute({ dialect: 'openai-chat', body: chat() });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['after']);
    expect(warnings).toEqual([expect.objectContaining({ hook: 'onUsage', error: 'boom' })]);
  });
});

describe('Manager: credential groups', () => {
  const grouped = [
    { id: 'team-a-1', provider: 'mock', apiKey: 'sk-a1', group: 'team-a' },
    { id: 'team-a-2', provider: 'mock', apiKey: 'sk-a2', group: 'team-a' },
    { id: 'team-b-1', provider: 'mock', apiKey: 'sk-b1', group: 'team-b' },
    { id: 'shared', provider: 'mock', apiKey: 'sk-s' },
  ];

  it('a request limited to groups is only ever served by their credentials', async () => {
    const { manager } = setup([], {}, { credentials: grouped });
    const used = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await manager.execute({ dialect: 'openai-chat', body: chat(), groups: ['team-a'] });
      used.add(res.credentialId);
    }
    expect([...used].sort()).toEqual(['team-a-1', 'team-a-2']);
    const all = new Set<string>();
    for (let i = 0; i < 12; i++)
      all.add((await manager.execute({ dialect: 'openai-chat', body: chat() })).credentialId);
    expect(all.size).toBe(4);
  });

  it('fails over only inside the groups, and says so when none of them serves the model', async () => {
    const { manager } = setup(
      [],
      { 'team-a-1': { statuses: [429, 429] }, 'team-a-2': { statuses: [429, 429] } },
      { credentials: grouped },
    );
    const err = await rejection(manager.execute({ dialect: 'openai-chat', body: chat(), groups: ['team-a'] }));
    expect(err.kind).toBe('rate_limited');
    const none = await rejection(manager.execute({ dialect: 'openai-chat', body: chat(), groups: ['team-c'] }));
    expect(none.kind).toBe('model_not_found');
    expect(none.message).toContain("groups 'team-c'");
  });
});
