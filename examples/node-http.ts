/**
 * switchyard on plain node:http, with the offline mock provider.
 *
 *   npx tsx examples/node-http.ts          # serves on http://127.0.0.1:8317 until Ctrl-C
 *   SMOKE=1 npx tsx examples/node-http.ts  # one request against itself, then exits
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Manager, mockExecutor } from 'switchyard';
import { createHandler } from 'switchyard/http';
import { createNodeListener } from 'switchyard/node';

const KEY = process.env.GATEWAY_KEY ?? 'sk-example';

const manager = new Manager({
  executors: [mockExecutor()],
  credentials: [
    { id: 'mock-a', provider: 'mock' },
    { id: 'mock-b', provider: 'mock' },
  ],
});
const handler = createHandler(manager, { apiKeys: [KEY] });
const server = createServer(createNodeListener(handler));

const smoke = process.env.SMOKE === '1';
server.listen(smoke ? 0 : Number(process.env.PORT ?? 8317), '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`listening on ${base} (OpenAI SDK baseURL: ${base}/v1)`);
  if (!smoke) return;
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'any-model', messages: [{ role: 'user', content: 'hello from node-http' }] }),
  });
  const completion = (await res.json()) as { choices: Array<{ message: { content: string } }> };
  console.log(`reply: ${completion.choices[0]?.message.content}`);
  server.close();
  await manager.close();
});
