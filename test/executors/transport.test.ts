import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';
import { type FakeProxy, startFakeHttpProxy, startFakeSocks5Proxy } from '../fakes/fake-proxy.js';
import { API_KEY, credential, exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeOpenAI;
let httpProxy: FakeProxy;
let socksProxy: FakeProxy;
const MiB = 1024 * 1024;
const chatBody = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
const streamBody = { ...chatBody, stream: true };

beforeAll(async () => {
  [fake, httpProxy, socksProxy] = await Promise.all([startFakeOpenAI(), startFakeHttpProxy(), startFakeSocks5Proxy()]);
});
afterAll(async () => {
  await Promise.all([fake.close(), httpProxy.close(), socksProxy.close()]);
});

describe('timeouts', () => {
  const executor = openaiExecutor({ headersTimeoutMs: 150, bodyTimeoutMs: 150 });
  afterAll(() => executor.close());

  it('no headers within headersTimeoutMs is a TimeoutError', async () => {
    fake.script({ delayHeadersMs: 1_000 });
    const err = await rejection(executor.execute(request(credential(fake.baseUrl), 'openai-chat', chatBody)));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('no response headers');
    expect(err.cause).toBeDefined();
    expect(exposedText(err)).not.toContain(API_KEY);
  });

  it('a stream that goes idle for bodyTimeoutMs fails mid-body with a TimeoutError', async () => {
    fake.script({ stallAfterChunks: 2 });
    const res = await executor.execute(request(credential(fake.baseUrl), 'openai-chat', streamBody));
    const err = await rejection(readText(res.body));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('stopped sending');
    expect(await fake.last!.closed).toBe(true);
  });

  it('a non-stream body that goes idle fails before execute() resolves', async () => {
    fake.script({ headers: { 'content-type': 'application/json' }, chunks: ['{"id":'], stallAfterChunks: 1 });
    const err = await rejection(executor.execute(request(credential(fake.baseUrl), 'openai-chat', chatBody)));
    expect(err.kind).toBe('timeout');
  });

  it('a connection dropped mid-stream is a NetworkError', async () => {
    fake.script({ destroyAfterChunks: 2 });
    const res = await executor.execute(request(credential(fake.baseUrl), 'openai-chat', streamBody));
    expect((await rejection(readText(res.body))).kind).toBe('network');
  });
});

describe('abort', () => {
  const executor = openaiExecutor();
  afterAll(() => executor.close());

  it('aborting while waiting for headers rejects with AbortedError and closes the upstream socket', async () => {
    fake.script({ delayHeadersMs: 5_000 });
    const before = fake.requests.length;
    const controller = new AbortController();
    const pending = executor.execute(
      request(credential(fake.baseUrl), 'openai-chat', chatBody, { signal: controller.signal }),
    );
    await waitFor(() => fake.requests.length > before);
    controller.abort();
    const err = await rejection(pending);
    expect(err.kind).toBe('aborted');
    expect(err.cause).toBeDefined();
    expect(await fake.last!.closed).toBe(true);
  });

  it('aborting mid-stream fails the body with AbortedError and the fake sees its socket closed', async () => {
    fake.script({ stallAfterChunks: 1 });
    const controller = new AbortController();
    const res = await executor.execute(
      request(credential(fake.baseUrl), 'openai-chat', streamBody, { signal: controller.signal }),
    );
    const iterator = res.body[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    controller.abort();
    const err = await rejection(next);
    expect(err.kind).toBe('aborted');
    expect(await fake.last!.closed).toBe(true);
  });

  it('giving up on the body (return()) closes the upstream socket', async () => {
    fake.script({ stallAfterChunks: 1 });
    const res = await executor.execute(request(credential(fake.baseUrl), 'openai-chat', streamBody));
    await res.body[Symbol.asyncIterator]().return?.();
    expect(await fake.last!.closed).toBe(true);
  });
});

describe('proxies', () => {
  it('sends a credential with an http proxyUrl through the proxy', async () => {
    const executor = openaiExecutor();
    const cred = credential(fake.baseUrl, { proxyUrl: httpProxy.url });
    const res = await executor.execute(request(cred, 'openai-chat', chatBody));
    expect(JSON.parse(await readText(res.body)).object).toBe('chat.completion');
    const host = new URL(fake.url).host;
    expect([...httpProxy.tunnels, ...httpProxy.forwarded.map((u) => new URL(u).host)]).toContain(host);
    await executor.close();
  });

  it('uses the executor-wide proxy unless the credential says direct', async () => {
    const executor = openaiExecutor({ proxyUrl: httpProxy.url });
    const seen = () => httpProxy.tunnels.length + httpProxy.forwarded.length;
    const before = seen();
    await readText((await executor.execute(request(credential(fake.baseUrl), 'openai-chat', chatBody))).body);
    expect(seen()).toBe(before + 1);
    const direct = credential(fake.baseUrl, { id: 'direct', proxyUrl: 'direct' });
    await readText((await executor.execute(request(direct, 'openai-chat', chatBody))).body);
    expect(seen()).toBe(before + 1);
    await executor.close();
  });

  it('sends a credential with a socks5 proxyUrl through the SOCKS proxy', async () => {
    const executor = openaiExecutor();
    const cred = credential(fake.baseUrl, { proxyUrl: socksProxy.url });
    const res = await executor.execute(request(cred, 'openai-chat', chatBody));
    expect(JSON.parse(await readText(res.body)).object).toBe('chat.completion');
    expect(socksProxy.tunnels).toContain(new URL(fake.url).host);
    await executor.close();
  });

  it('refuses an unsupported proxy scheme without quoting the URL', async () => {
    const executor = openaiExecutor();
    const cred = credential(fake.baseUrl, { proxyUrl: 'ftp://user:hunter2@proxy.test' });
    const err = await rejection(executor.execute(request(cred, 'openai-chat', chatBody)));
    expect(err.kind).toBe('config');
    expect(err.message).not.toContain('hunter2');
  });
});

describe('large streams', () => {
  it('passes 128 MB of SSE through with flat memory', async () => {
    const executor = openaiExecutor();
    const event = `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'x'.repeat(900) } }] })}\n\n`;
    const stream = async (bytes: number, onChunk: (received: number) => void) => {
      fake.script({ headers: { 'content-type': 'text/event-stream' }, repeat: { chunk: event, bytes } });
      const res = await executor.execute(request(credential(fake.baseUrl), 'openai-chat', streamBody));
      let received = 0;
      for await (const chunk of res.body) {
        received += chunk.byteLength;
        onChunk(received);
      }
      return received;
    };
    // A first stream warms up sockets, allocator arenas and JIT, which cost RSS once.
    await stream(16 * MiB, () => {});
    // Collecting garbage as we go separates what is retained (a buffered body) from what is merely not yet freed.
    const gc = exposeGc();
    gc();
    const start = process.memoryUsage();
    let peakRss = 0;
    let peakRetained = 0;
    let nextCheck = 8 * MiB;
    const total = 128 * MiB;
    const received = await stream(total, (sofar) => {
      if (sofar < nextCheck) return;
      nextCheck += 8 * MiB;
      gc();
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss - start.rss);
      peakRetained = Math.max(peakRetained, now.heapUsed + now.arrayBuffers - start.heapUsed - start.arrayBuffers);
    });
    expect(received).toBeGreaterThanOrEqual(total);
    // Buffering the body would grow memory by its size; streaming keeps it to a few socket buffers.
    expect(peakRetained).toBeLessThan(32 * MiB);
    expect(peakRss).toBeLessThan(total / 3);
    await executor.close();
  });
});

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}
