// The Manager over the real undici executors and the fake upstreams: quota snapshots, failover across
// providers' real error bodies, and translated streams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicExecutor, FillFirstSelector, Manager, openaiExecutor, type UsageRecord } from '../../src/index.js';
import { anthropicError, type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';
import { text } from './helpers.js';

describe('Manager with the HTTP executors', () => {
  let openai: FakeOpenAI;
  let claude: FakeAnthropic;
  beforeAll(async () => {
    openai = await startFakeOpenAI({ text: 'Hello from fake OpenAI' });
    claude = await startFakeAnthropic({ text: 'Hello from fake Claude' });
  });
  afterAll(async () => {
    await openai.close();
    await claude.close();
  });

  it('skips a credential whose rate-limit headers say it is used up, before it ever gets a 429', async () => {
    const executor = openaiExecutor();
    const manager = new Manager({
      executors: [executor],
      selector: new FillFirstSelector(),
      credentials: [
        { id: 'a', provider: 'openai', apiKey: 'sk-a-0000', baseUrl: openai.baseUrl },
        { id: 'b', provider: 'openai', apiKey: 'sk-b-0000', baseUrl: openai.baseUrl },
      ],
    });
    openai.script({ headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' } });
    const before = openai.requests.length;
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
    expect((await manager.execute({ dialect: 'openai-chat', body })).credentialId).toBe('a');
    expect((await manager.execute({ dialect: 'openai-chat', body })).credentialId).toBe('b');
    const auth = openai.requests.slice(before).map((r) => r.headers.authorization);
    expect(auth).toEqual(['Bearer sk-a-0000', 'Bearer sk-b-0000']);
    const [cooldown] = await manager.cooldowns();
    expect(cooldown).toMatchObject({ credentialId: 'a', model: '*', reason: 'quota_snapshot' });
    await executor.close();
  });

  it('fails over past an Anthropic 429 to the next credential and answers an OpenAI caller in its dialect', async () => {
    const usage: UsageRecord[] = [];
    const manager = new Manager({
      executors: [anthropicExecutor()],
      selector: new FillFirstSelector(),
      retry: { baseDelayMs: 0 },
      hooks: { onUsage: (u) => usage.push(u) },
      credentials: [
        { id: 'c1', provider: 'anthropic', apiKey: 'sk-ant-1-xxxx', baseUrl: claude.url },
        { id: 'c2', provider: 'anthropic', apiKey: 'sk-ant-2-xxxx', baseUrl: claude.url },
      ],
    });
    claude.script(
      anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your rate limit', {
        'retry-after': '12',
      }),
    );
    const res = await manager.execute({
      dialect: 'openai-chat',
      body: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.credentialId).toBe('c2');
    const completion = JSON.parse(await text(res.body));
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message.content).toBe('Hello from fake Claude');
    expect(completion.choices[0].finish_reason).toBe('stop');
    const cooling = await manager.cooldowns();
    expect(cooling).toEqual([expect.objectContaining({ credentialId: 'c1', reason: 'rate_limited' })]);
    expect(cooling[0]!.until - Date.now()).toBeGreaterThan(10_000);
    expect(usage.at(-1)).toMatchObject({ success: true, credentialId: 'c2', attempts: 2 });
    expect(usage.at(-1)!.promptTokens).toBeGreaterThan(0);
  });

  it('streams an Anthropic upstream to an OpenAI caller as chat chunks ending in [DONE], with usage', async () => {
    const usage: UsageRecord[] = [];
    const manager = new Manager({
      executors: [anthropicExecutor()],
      hooks: { onUsage: (u) => usage.push(u) },
      credentials: [{ id: 'c1', provider: 'anthropic', apiKey: 'sk-ant-1-xxxx', baseUrl: claude.url }],
    });
    const res = await manager.execute({
      dialect: 'openai-chat',
      body: {
        model: 'claude-sonnet-4-5',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      },
    });
    const out = await text(res.body);
    const chunks = out
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)));
    const content = chunks
      .flatMap((c) => c.choices.map((ch: { delta: { content?: string } }) => ch.delta.content ?? ''))
      .join('');
    expect(content).toBe('Hello from fake Claude');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
    expect(out.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(claude.last!.body).toMatchObject({ stream: true, model: 'claude-sonnet-4-5' });
    expect(usage[0]).toMatchObject({ success: true, stream: true });
    expect(usage[0]!.completionTokens).toBeGreaterThan(0);
  });

  it('keeps anthropic-beta for Anthropic upstreams and drops it with a warning elsewhere', async () => {
    const manager = new Manager({
      executors: [anthropicExecutor(), openaiExecutor()],
      credentials: [
        {
          id: 'c1',
          provider: 'anthropic',
          apiKey: 'sk-ant-1-xxxx',
          baseUrl: claude.url,
          models: [{ name: 'claude-x' }],
        },
        { id: 'o1', provider: 'openai', apiKey: 'sk-o-1-xxxx', baseUrl: openai.baseUrl, models: [{ name: 'gpt-4o' }] },
      ],
    });
    const headers = { 'anthropic-beta': 'context-management-2025-06-27', 'anthropic-version': '2023-06-01' };
    const body = (model: string) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const toClaude = await manager.execute({ dialect: 'anthropic-messages', body: body('claude-x'), headers });
    expect(claude.last!.headers['anthropic-beta']).toContain('context-management-2025-06-27');
    expect(toClaude.warnings.some((w) => w.startsWith('dropped-anthropic-beta'))).toBe(false);
    const toOpenAI = await manager.execute({ dialect: 'anthropic-messages', body: body('gpt-4o'), headers });
    expect(openai.last!.headers['anthropic-beta']).toBeUndefined();
    expect(toOpenAI.warnings.some((w) => w.startsWith('dropped-anthropic-beta'))).toBe(true);
  });
});
