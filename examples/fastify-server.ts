/**
 * switchyard as a Fastify plugin under /llm.
 *
 *   npx tsx examples/fastify-server.ts          # serves on http://127.0.0.1:8317 until Ctrl-C
 *   SMOKE=1 npx tsx examples/fastify-server.ts  # one request against itself, then exits
 */
import Fastify from 'fastify';
import { Manager, mockExecutor } from 'switchyard';
import { createFastifyPlugin } from 'switchyard/fastify';
import { createHandler } from 'switchyard/http';

const KEY = process.env.GATEWAY_KEY ?? 'sk-example';

const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'mock-a', provider: 'mock' }] });

const app = Fastify();
app.get('/', async () => ({ own: 'route' }));
// OpenAI SDK: baseURL http://host/llm/v1
await app.register(createFastifyPlugin(createHandler(manager, { apiKeys: [KEY] })), { prefix: '/llm' });

const smoke = process.env.SMOKE === '1';
const address = await app.listen({ port: smoke ? 0 : Number(process.env.PORT ?? 8317), host: '127.0.0.1' });
console.log(`listening on ${address}/llm`);
if (smoke) {
  const res = await fetch(`${address}/llm/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'any-model', input: 'hello from fastify' }),
  });
  const response = (await res.json()) as {
    output: Array<{ type: string; content?: Array<{ type: string; text: string }> }>;
  };
  const message = response.output.find((item) => item.type === 'message');
  console.log(`reply: ${message?.content?.map((c) => c.text).join('')}`);
  await app.close();
  await manager.close();
}
