import { describe, expect, it } from 'vitest';
import { createHandler } from '../../src/http/index.js';
import { Manager, mockExecutor } from '../../src/index.js';
import { json, KEY, request, text, waitFor } from './helpers.js';

function setup(budgetTokens: number, models?: string[]) {
  const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'm1', provider: 'mock' }] });
  const handler = createHandler(manager, {
    keys: [{ key: KEY, budget: { tokens: budgetTokens, periodMs: 60_000 }, ...(models ? { models } : {}) }],
  });
  let spent = 0;
  manager.addHooks({ onUsage: (r) => (spent += r.promptTokens) });
  return { handler, spent: () => spent };
}

const embed = (input: unknown, model = 'mock-embed') =>
  request({ path: '/v1/embeddings', json: { model, input, encoding_format: 'float' } });

describe('client key limits on embeddings', () => {
  it("charges an embedding's input tokens to the key's token budget", async () => {
    const { handler, spent } = setup(20);
    const first = await handler(embed('x'.repeat(100)));
    expect(first.status).toBe(200);
    const tokens = ((await json(first)).usage as { prompt_tokens: number }).prompt_tokens;
    expect(tokens).toBeGreaterThan(20);
    await waitFor(() => spent() === tokens);
    const second = await handler(embed('y'));
    expect(second.status).toBe(429);
    expect(await text(second)).toContain('budget');
  });

  it("refuses a model the key may not use, in OpenAI's shape, on both embedding routes", async () => {
    const { handler } = setup(1_000, ['allowed-embed']);
    const openai = await handler(embed('x', 'other-embed'));
    expect(openai.status).toBe(403);
    expect(((await json(openai)).error as { param: string }).param).toBe('model');
    const gemini = await handler(
      request({
        path: '/v1beta/models/other-embed:embedContent',
        json: { content: { parts: [{ text: 'x' }] } },
      }),
    );
    expect(gemini.status).toBe(403);
    expect(((await json(gemini)).error as { status: string }).status).toBe('PERMISSION_DENIED');
    expect((await handler(embed('x', 'allowed-embed'))).status).toBe(200);
  });
});
