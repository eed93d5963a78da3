/**
 * A provider of your own: an Executor that answers in OpenAI Chat format (here it shouts the prompt
 * back), and a Selector that picks at random. Callers of any dialect reach it; switchyard translates.
 * The executor never writes JSON or SSE frames by hand: it reads the request and writes the answer
 * through the openai-chat codec of `switchyard/translate`, which produces the dialect's exact grammar
 * (role chunk, deltas, finish chunk, usage chunk, `data: [DONE]`).
 *
 *   npx tsx examples/custom-executor.ts          # serves on http://127.0.0.1:8317 until Ctrl-C
 *   SMOKE=1 npx tsx examples/custom-executor.ts  # Anthropic-format requests against itself, then exits
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Executor, Manager, type Selector } from 'switchyard';
import { createHandler } from 'switchyard/http';
import { createNodeListener } from 'switchyard/node';
// #region executor
import { type CanonicalRequest, codecFor, type StreamPart, type Usage } from 'switchyard/translate';

const chat = codecFor('openai-chat');
const encoder = new TextEncoder();

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield encoder.encode(text);
}

/** The text of the last user message, whatever its parts. */
function lastUserText(request: CanonicalRequest): string {
  const last = request.messages.filter((m) => m.role === 'user').at(-1);
  return (last?.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
}

const shout: Executor = {
  provider: 'shout',
  // The Manager translates every caller's request into this dialect, and the answer back.
  nativeDialect: () => 'openai-chat',
  async execute(request) {
    const text = lastUserText(chat.requestToCanonical(request.body).value).toUpperCase();
    const id = `shout-${request.requestId}`;
    const usage: Usage = { inputTokens: text.length, outputTokens: text.length };
    if (!request.stream) {
      const { value } = chat.responseFromCanonical({
        id,
        model: request.model,
        content: [{ type: 'text', text }],
        finishReason: 'stop',
        usage,
      });
      return { status: 200, headers: { 'content-type': 'application/json' }, body: bytes(JSON.stringify(value)) };
    }
    // One encoder per stream: it keeps the state the dialect's event grammar needs.
    const sse = chat.createStreamEncoder({ includeUsage: true });
    const parts: StreamPart[] = [
      { type: 'start', id, model: request.model },
      { type: 'text-delta', text },
      { type: 'finish', finishReason: 'stop', usage },
    ];
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: bytes(parts.map((part) => sse.encode(part)).join('') + sse.end()),
    };
  },
};
// #endregion executor

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
  const ask = (stream: boolean) =>
    fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'shouty',
        max_tokens: 64,
        stream,
        messages: [{ role: 'user', content: 'hello from custom-executor' }],
      }),
    });
  const message = (await (await ask(false)).json()) as {
    content: Array<{ type: string; text?: string }>;
    stop_reason: string;
  };
  console.log(`reply: ${message.content.find((b) => b.type === 'text')?.text} (${message.stop_reason})`);
  // The stream, translated from the executor's Chat chunks into Anthropic's events.
  const events = await (await ask(true)).text();
  const deltas = [...events.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join('');
  const stop = /"stop_reason":"([a-z_]+)"/.exec(events)?.[1];
  console.log(`stream: ${deltas} (${stop})`);
  server.close();
  await manager.close();
});
