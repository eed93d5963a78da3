import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyHandler, type ProxyHandler } from '../../src/http/index.js';
import { KeyPool } from '../../src/manager/key-pool.js';
import type { UsageRecord } from '../../src/manager/types.js';
import { type FakeService, serveHandler, startFakeService } from './helpers.js';

const CLIENT = 'sk-stream-client-0001';
const KEY = 'stream-key-aaaaaaaaaaaa';
const MB = 1024 * 1024;
const TOTAL = 200 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

let fake: FakeService;
let proxy: ProxyHandler;
let server: { url: string; close(): Promise<void> };
const usage: UsageRecord[] = [];

beforeAll(async () => {
  fake = await startFakeService();
  // A pool on its own, without a Manager: the second way to build the handler.
  const pool = new KeyPool({ name: 'big', keys: [{ key: KEY }] });
  proxy = createProxyHandler(pool, {
    apiKeys: [CLIENT],
    service: { baseUrl: fake.url, placement: { header: 'X-Api-Key' }, maxReplayBytes: 0 },
    onUsage: (r) => usage.push(r),
  });
  server = await serveHandler(proxy);
});

afterAll(async () => {
  await server.close();
  await proxy.close();
  await fake.close();
});

function open(path: string, method: string, headers: Record<string, string> = {}) {
  const url = new URL(server.url);
  return request({ host: url.hostname, port: url.port, path, method, headers: { 'x-api-key': CLIENT, ...headers } });
}

/** Writes `total` bytes of CHUNK into `sink`, honouring backpressure; `onWrite` sees the running count. */
async function pump(
  sink: NodeJS.WritableStream & { write(b: Buffer): boolean },
  total: number,
  onWrite?: (written: number) => void,
): Promise<void> {
  let written = 0;
  while (written < total) {
    const ok = sink.write(CHUNK);
    written += CHUNK.byteLength;
    onWrite?.(written);
    if (!ok) await new Promise((r) => sink.once('drain', r));
  }
}

describe('streaming', () => {
  it.each([
    ['chunked', { 'transfer-encoding': 'chunked' }],
    ['with a content-length', { 'content-length': String(3 * MB + 17) }],
  ])('moves an upload %s past max-replay-bytes to the service byte for byte, counted', async (_name, headers) => {
    fake.next((req, res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.byteLength;
      });
      req.on('end', () => res.end(JSON.stringify({ sha256: hash.digest('hex'), bytes })));
    });
    const body = randomBytes(3 * MB + 17);
    const req = open('/proxy/big/upload', 'POST', headers);
    const answer = new Promise<string>((resolve, reject) => {
      req.once('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve(text));
      });
      req.once('error', reject);
    });
    // Uneven pieces, so the first read and the rest meet mid-chunk.
    for (let at = 0; at < body.byteLength; at += 100_003) {
      const ok = req.write(body.subarray(at, Math.min(body.byteLength, at + 100_003)));
      if (!ok) await new Promise((r) => req.once('drain', r));
    }
    req.end();
    const got = JSON.parse(await answer) as { sha256: string; bytes: number };
    expect(got).toEqual({ sha256: createHash('sha256').update(body).digest('hex'), bytes: body.byteLength });
    await expect.poll(() => usage.at(-1)?.bytesIn).toBe(body.byteLength);
  });

  it('streams both ways: each uploaded chunk is echoed back before the next one is sent', async () => {
    fake.next((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      req.on('data', (chunk: Buffer) => res.write(chunk));
      req.on('end', () => res.end());
    });
    const req = open('/proxy/big/duplex', 'POST', { 'transfer-encoding': 'chunked' });
    const response = new Promise<import('node:http').IncomingMessage>((resolve) => req.once('response', resolve));
    const received: string[] = [];
    req.write('one;');
    const res = await response;
    let wake: (() => void) | undefined;
    res.on('data', (chunk: Buffer) => {
      received.push(chunk.toString());
      wake?.();
    });
    const until = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => (received.join('').includes(text) ? resolve() : undefined);
        wake = check;
        check();
      });
    await until('one;');
    // The upload is still open: the echo came through the proxy before the body ended.
    req.write('two;');
    await until('two;');
    req.end('three;');
    await new Promise((r) => res.once('end', r));
    expect(received.join('')).toBe('one;two;three;');
    expect(fake.seen.at(-1)!.headers['x-api-key']).toBe(KEY);
  });

  it('moves a 200 MB upload in constant memory, the service reading before the upload ends', async () => {
    let clientWritten = 0;
    let writtenWhenFirstArrived = -1;
    fake.next(async (req, res) => {
      let got = 0;
      for await (const chunk of req) {
        if (got === 0) writtenWhenFirstArrived = clientWritten;
        got += (chunk as Buffer).byteLength;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(String(got));
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const req = open('/proxy/big/upload', 'PUT', { 'content-length': String(TOTAL) });
    const answered = new Promise<string>((resolve) =>
      req.once('response', async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve(text);
      }),
    );
    await pump(req, TOTAL, (n) => {
      clientWritten = n;
      if (n % (8 * MB) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    });
    req.end();
    expect(await answered).toBe(String(TOTAL));
    expect(writtenWhenFirstArrived).toBeGreaterThan(0);
    expect(writtenWhenFirstArrived).toBeLessThan(TOTAL);
    expect(peak - rssBefore).toBeLessThan(100 * MB);
    await new Promise((r) => setImmediate(r));
    expect(usage.at(-1)).toMatchObject({ service: 'big', bytesIn: TOTAL, status: 200 });
  }, 120_000);

  it('moves a 200 MB download in constant memory, the client reading before the service ends', async () => {
    let serviceWritten = 0;
    fake.next(async (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
      await pump(res, TOTAL, (n) => {
        serviceWritten = n;
      });
      res.end();
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const req = open('/proxy/big/download', 'GET');
    req.end();
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => req.once('response', resolve));
    let got = 0;
    let writtenAtFirst = -1;
    for await (const chunk of res) {
      if (got === 0) writtenAtFirst = serviceWritten;
      got += (chunk as Buffer).byteLength;
      if (got % (8 * MB) < (chunk as Buffer).byteLength) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(got).toBe(TOTAL);
    expect(writtenAtFirst).toBeLessThan(TOTAL);
    expect(peak - rssBefore).toBeLessThan(100 * MB);
    await new Promise((r) => setImmediate(r));
    expect(usage.at(-1)).toMatchObject({ service: 'big', bytesOut: TOTAL, status: 200 });
  }, 120_000);
});
