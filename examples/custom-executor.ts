/**
 * A provider of your own: an Executor that answers in OpenAI Chat format (here it shouts the prompt
 * back), and a Selector that picks at random. Callers of any dialect reach it; switchyard translates.
 *
 *   npx tsx examples/custom-executor.ts          # serves on http://127.0.0.1:8317 until Ctrl-C
 *   SMOKE=1 npx tsx examples/custom-executor.ts  # one Anthropic-format request against itself, then exits
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Executor, type ExecutorRequest, Manager, type Selector } from 'switchyard';
import { createHandler } from 'switchyard/http';
import { createNodeListener } from 'switchyard/node';

const encoder = new TextEncoder();

async function* bytes(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield encoder.encode(part);
}

/** Reads the last user message of an OpenAI Chat body. */
function lastUserText(body: ExecutorRequest['body']): string {
  const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
  const last = messages.filter((m) => m.role === 'user').at(-1);
  if (typeof last?.content === 'string') return last.content;
  const parts = (last?.content ?? []) as Array<{ type: string; text?: string }>;
  return parts.map((p) => p.text ?? '').join('');
}

const shout: Executor = {
  provider: 'shout',
  // The Manager translates every caller's request into this dialect, and the answer back.
  nativeDialect: () => 'openai-chat',
  async execute(request) {
    const text = lastUserText(request.body).toUpperCase();
    const base = { id: `shout-${request.requestId}`, created: Math.floor(Date.now() / 1000), model: request.model };
    const usage = { prompt_tokens: text.length, completion_tokens: text.length, total_tokens: 2 * text.length };
    if (!request.stream) {
      const completion = {
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage,
      };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: bytes(JSON.stringify(completion)) };
    }
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: bytes(
        chunk({ role: 'assistant', content: text }, null),
        chunk({}, 'stop'),
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
        'data: [DONE]\n\n',
      ),
    };
  },
};

/** Picks any available credential at random. */
const random: Selector = {
  name: 'random',
  pick(candidates, ctx) {
    const available = candidates.filter((c) => ctx.isAvailable(c));
    return available[Math.floor(Math.random() * available.length)];
  },
};

const KEY = process.env.GATEWAY_KEY ?? 'sk-example';
const manager = new Manager({
  executors: [shout],
  selector: random,
  credentials: [
    { id: 'shout-1', provider: 'shout', models: [{ name: 'shout-1.0', alias: 'shouty' }] },
    { id: 'shout-2', provider: 'shout', models: [{ name: 'shout-1.0', alias: 'shouty' }] },
  ],
});
const server = createServer(createNodeListener(createHandler(manager, { apiKeys: [KEY] })));

const smoke = process.env.SMOKE === '1';
server.listen(smoke ? 0 : Number(process.env.PORT ?? 8317), '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`listening on ${base}`);
  if (!smoke) return;
  const res = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'shouty',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello from custom-executor' }],
    }),
  });
  const message = (await res.json()) as { content: Array<{ type: string; text?: string }>; stop_reason: string };
  console.log(`reply: ${message.content.find((b) => b.type === 'text')?.text} (${message.stop_reason})`);
  server.close();
  await manager.close();
});
