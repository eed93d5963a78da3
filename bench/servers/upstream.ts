// The fake upstream of the benchmarks, run as a child process. It answers instantly with bytes
// captured once at start-up from the test fakes (test/fakes: OpenAI, Anthropic and Gemini in their
// documented formats), so every answer is byte for byte what the tests check, but nothing is
// recorded or recomputed per request. A request whose body names a `slow` model gets the OpenAI
// chat stream with one event every 100 ms.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request } from 'undici';
import { startFakeAnthropic } from '../../test/fakes/fake-anthropic.js';
import { startFakeGemini } from '../../test/fakes/fake-gemini.js';
import { startFakeOpenAI } from '../../test/fakes/fake-openai.js';
import { portOf, serveChild } from './ipc.js';

interface Captured {
  status: number;
  headers: Record<string, string>;
  /** The whole body (JSON answers). */
  body: Buffer;
  /** The body cut into SSE events (stream answers). */
  events: Buffer[];
}

const SLOW_EVENTS = Number(process.env.BENCH_SLOW_EVENTS ?? 50);
const SLOW_INTERVAL_MS = 100;
const DROP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

async function capture(url: string, body: unknown, headers: Record<string, string>): Promise<Captured> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (!DROP.has(name) && typeof value === 'string') kept[name] = value;
  }
  const events = bytes
    .toString('utf8')
    .split(/(?<=\r?\n\r?\n)/)
    .filter((event) => event.length > 0)
    .map((event) => Buffer.from(event));
  return { status: res.statusCode, headers: kept, body: bytes, events };
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const openai = await startFakeOpenAI();
const anthropic = await startFakeAnthropic();
const gemini = await startFakeGemini();
const auth = {
  authorization: 'Bearer sk-fake',
  'x-api-key': 'sk-fake',
  'anthropic-version': '2023-06-01',
  'x-goog-api-key': 'fake',
};
const geminiBody = { contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] };
const answers = {
  openaiJson: await capture(`${openai.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages }, auth),
  openaiStream: await capture(
    `${openai.url}/v1/chat/completions`,
    { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } },
    auth,
  ),
  anthropicJson: await capture(
    `${anthropic.url}/v1/messages`,
    { model: 'claude-sonnet-4-5', max_tokens: 64, messages },
    auth,
  ),
  anthropicStream: await capture(
    `${anthropic.url}/v1/messages`,
    { model: 'claude-sonnet-4-5', max_tokens: 64, messages, stream: true },
    auth,
  ),
  geminiJson: await capture(`${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`, geminiBody, auth),
  geminiStream: await capture(
    `${gemini.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
    geminiBody,
    auth,
  ),
  openaiSlow: await (async () => {
    openai.reply = { text: Array.from({ length: Math.max(1, SLOW_EVENTS - 3) }, (_, i) => `w${i} `).join('') };
    return capture(
      `${openai.url}/v1/chat/completions`,
      { model: 'gpt-slow', messages, stream: true, stream_options: { include_usage: true } },
      auth,
    );
  })(),
};
await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
for (const [name, answer] of Object.entries(answers)) {
  if (answer.status !== 200) throw new Error(`capturing ${name}: status ${answer.status}`);
}

function sendWhole(res: ServerResponse, answer: Captured): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.byteLength) });
  res.end(answer.body);
}

function sendStream(res: ServerResponse, answer: Captured): void {
  res.writeHead(answer.status, answer.headers);
  res.cork();
  for (const event of answer.events) res.write(event);
  res.end();
  res.uncork();
}

function sendSlow(res: ServerResponse, answer: Captured): void {
  res.writeHead(answer.status, answer.headers);
  let next = 0;
  const tick = () => {
    if (res.destroyed) return stop();
    const event = answer.events[next++];
    if (event === undefined) {
      res.end();
      return stop();
    }
    res.write(event);
  };
  const timer = setInterval(tick, SLOW_INTERVAL_MS);
  const stop = () => clearInterval(timer);
  res.on('close', stop);
  tick();
}

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const stream = /"stream"\s*:\s*true/.test(body);
  if (req.method !== 'POST') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
  } else if (path === '/v1/chat/completions') {
    if (body.includes('slow')) sendSlow(res, answers.openaiSlow);
    else if (stream) sendStream(res, answers.openaiStream);
    else sendWhole(res, answers.openaiJson);
  } else if (path === '/v1/messages') {
    if (stream) sendStream(res, answers.anthropicStream);
    else sendWhole(res, answers.anthropicJson);
  } else if (path.endsWith(':streamGenerateContent')) {
    sendStream(res, answers.geminiStream);
  } else if (path.endsWith(':generateContent')) {
    sendWhole(res, answers.geminiJson);
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => route(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 30_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  serveChild(portOf(server.address()), () => {
    server.closeAllConnections();
    server.close();
  });
});
