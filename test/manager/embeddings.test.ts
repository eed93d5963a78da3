import { describe, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { RateLimitedError } from '../../src/core/errors.js';
import { mockExecutor } from '../../src/executors/mock.js';
import type { Executor, ExecutorRequest, ExecutorResponse } from '../../src/executors/types.js';
import { ESTIMATED_TOKENS_WARNING } from '../../src/manager/embed.js';
import { Manager } from '../../src/manager/manager.js';
import type { UsageRecord } from '../../src/manager/types.js';
import type { EmbeddingWire } from '../../src/translate/embeddings/types.js';
import { rejection, text } from './helpers.js';

const encoder = new TextEncoder();

/** Vector of one Gemini request: its text's length and first char code, so a test can tell inputs apart. */
const vectorOf = (t: string) => [t.length, t.charCodeAt(t.length - 1)];

/**
 * An in-memory executor answering `embed` calls in the Gemini batch shape; `fail(credentialId, call)`
 * says which calls fail. Records every call, and the most calls in flight at once.
 */
function geminiLike(
  fail: (credentialId: string, call: number) => boolean = () => false,
  short: (credentialId: string) => boolean = () => false,
) {
  const calls: Array<{ credentialId: string; count: number; texts: string[] }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const executor: Executor & { calls: typeof calls; readonly maxInFlight: number } = {
    provider: 'gem',
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    nativeDialect: () => 'gemini',
    embeddingWire: (): EmbeddingWire => 'gemini',
    async execute(request: ExecutorRequest): Promise<ExecutorResponse> {
      const requests = request.body.requests as Array<{ content: { parts: Array<{ text: string }> } }>;
      const texts = requests.map((r) => r.content.parts[0]!.text);
      const index = calls.filter((c) => c.credentialId === request.credential.id).length;
      calls.push({ credentialId: request.credential.id, count: texts.length, texts });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (fail(request.credential.id, index)) {
        throw new RateLimitedError('slow down', {
          status: 429,
          credentialId: request.credential.id,
          retryAfterMs: 5_000,
        });
      }
      const answered = short(request.credential.id) ? texts.slice(1) : texts;
      const body = encoder.encode(JSON.stringify({ embeddings: answered.map((t) => ({ values: vectorOf(t) })) }));
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: (async function* () {
          yield body;
        })(),
      };
    },
  };
  return executor;
}

const gem = (id: string): Credential => ({ id, provider: 'gem', apiKey: `key-${id}`, models: [{ name: 'emb' }] });

function inputs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `text number ${i}`);
}

describe('Manager: embed operation', () => {
  it('splits into calls of at most 100, four in flight at once, and answers in the caller order', async () => {
    const executor = geminiLike();
    const manager = new Manager({ executors: [executor], credentials: [gem('g1')] });
    const input = inputs(1000);
    const result = await manager.execute({
      dialect: 'openai-chat',
      operation: 'embed',
      body: { model: 'emb', input, encoding_format: 'float' },
    });
    expect(executor.calls.map((c) => c.count)).toEqual(Array(10).fill(100));
    expect(executor.maxInFlight).toBe(4);
    const answer = JSON.parse(await text(result.body)) as { data: Array<{ index: number; embedding: number[] }> };
    expect(answer.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(answer.data.map((d) => d.embedding)).toEqual(input.map(vectorOf));
    expect(result.warnings).toContain(ESTIMATED_TOKENS_WARNING);
    expect(await result.usage).toEqual({
      inputTokens: input.reduce((n, t) => n + Math.ceil(t.length / 4), 0),
      outputTokens: 0,
    });
  });

  it('fails the attempt when one call of the batch fails, cools that credential, and starts over on the next', async () => {
    const executor = geminiLike((id, call) => id === 'g1' && call === 1);
    const records: UsageRecord[] = [];
    const manager = new Manager({
      executors: [executor],
      credentials: [gem('g1'), gem('g2')],
      hooks: { onUsage: (r) => records.push(r) },
    });
    const input = inputs(250);
    const result = await manager.execute({
      dialect: 'openai-chat',
      operation: 'embed',
      body: { model: 'emb', input, encoding_format: 'float' },
    });
    expect(result.credentialId).toBe('g2');
    expect(result.attempts).toBe(2);
    expect(executor.calls.filter((c) => c.credentialId === 'g2').map((c) => c.count)).toEqual([100, 100, 50]);
    const answer = JSON.parse(await text(result.body)) as { data: Array<{ embedding: number[] }> };
    expect(answer.data.map((d) => d.embedding)).toEqual(input.map(vectorOf));
    const cooldowns = await manager.cooldowns();
    expect(cooldowns.map((c) => [c.credentialId, c.model])).toEqual([['g1', 'emb']]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ credentialId: 'g2', attempts: 2, success: true, stream: false });
  });

  it("treats an answer with too few vectors as the upstream's failure: retried on another credential", async () => {
    const executor = geminiLike(undefined, (id) => id === 'g1');
    const manager = new Manager({ executors: [executor], credentials: [gem('g1'), gem('g2')] });
    const result = await manager.execute({
      dialect: 'gemini',
      operation: 'embed',
      model: 'emb',
      body: { requests: [{ content: { parts: [{ text: 'a' }] } }, { content: { parts: [{ text: 'bb' }] } }] },
    });
    expect(result.credentialId).toBe('g2');
    expect(JSON.parse(await text(result.body))).toEqual({
      embeddings: [{ values: vectorOf('a') }, { values: vectorOf('bb') }],
    });
    const status = await manager.status();
    expect(status.credentials.find((c) => c.id === 'g1')?.lastErrorKind).toBe('upstream_error');
  });

  it('routes only to credentials whose executor can embed', async () => {
    const chatOnly: Executor = { ...mockExecutor({ provider: 'chatonly' }), embeddingWire: undefined };
    const executor = geminiLike();
    const manager = new Manager({
      executors: [executor, chatOnly],
      credentials: [{ id: 'c1', provider: 'chatonly', models: [{ name: 'emb' }] }, gem('g1')],
    });
    for (let i = 0; i < 3; i++) {
      const result = await manager.execute({
        dialect: 'gemini',
        operation: 'embed',
        model: 'emb',
        body: { requests: [{ content: { parts: [{ text: 'x' }] } }] },
      });
      expect(result.credentialId).toBe('g1');
    }
    const none = await rejection(
      new Manager({ executors: [chatOnly], credentials: [{ id: 'c1', provider: 'chatonly' }] }).execute({
        dialect: 'openai-chat',
        operation: 'embed',
        body: { model: 'emb', input: 'x' },
      }),
    );
    expect(none.kind).toBe('model_not_found');
    expect(none.message).toMatch(/embeddings API/);
  });

  it('refuses a malformed body before any credential is picked, naming the field', async () => {
    const executor = geminiLike();
    const manager = new Manager({ executors: [executor], credentials: [gem('g1')] });
    const error = await rejection(
      manager.execute({ dialect: 'openai-chat', operation: 'embed', body: { model: 'emb', input: ['a', 7] } }),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe('input.1');
    expect(executor.calls).toHaveLength(0);
  });

  it('embeds offline with the mock provider: the same text always gives the same vector', async () => {
    const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'm1', provider: 'mock' }] });
    const embed = async (input: string[]) => {
      const result = await manager.execute({
        dialect: 'openai-chat',
        operation: 'embed',
        body: { model: 'mock-embed', input, dimensions: 4, encoding_format: 'float' },
      });
      return (JSON.parse(await text(result.body)) as { data: Array<{ embedding: number[] }> }).data.map(
        (d) => d.embedding,
      );
    };
    const [a, b] = await embed(['same', 'other']);
    const [again] = await embed(['same']);
    expect(a).toHaveLength(4);
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
  });
});
