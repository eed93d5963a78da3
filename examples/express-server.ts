/**
 * switchyard as Express middleware under /llm, beside the app's own routes.
 *
 *   npx tsx examples/express-server.ts          # serves on http://127.0.0.1:8317 until Ctrl-C
 *   SMOKE=1 npx tsx examples/express-server.ts  # one request against itself, then exits
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Manager, mockExecutor } from 'switchyard';
import { createExpressMiddleware } from 'switchyard/express';
import { createHandler } from 'switchyard/http';

const KEY = process.env.GATEWAY_KEY ?? 'sk-example';

const manager = new Manager({
  executors: [mockExecutor()],
  credentials: [{ id: 'mock-a', provider: 'mock' }],
  hooks: { onUsage: (u) => console.log(`usage: ${u.credentialId} ${u.promptTokens}+${u.completionTokens} tokens`) },
});

const app = express();
app.get('/', (_req, res) => {
  res.send('my own route');
});
// Anthropic SDK: baseURL http://host/llm; OpenAI SDK: http://host/llm/v1.
app.use('/llm', createExpressMiddleware(createHandler(manager, { apiKeys: [KEY] })));

const smoke = process.env.SMOKE === '1';
const server = app.listen(smoke ? 0 : Number(process.env.PORT ?? 8317), '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/llm`;
  console.log(`listening on ${base}`);
  if (!smoke) return;
  const res = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'any-model',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello from express' }],
    }),
  });
  const message = (await res.json()) as { content: Array<{ type: string; text?: string }> };
  console.log(`reply: ${message.content.find((b) => b.type === 'text')?.text}`);
  server.close();
  await manager.close();
});
