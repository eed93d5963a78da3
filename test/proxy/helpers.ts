import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeListener } from '../../src/adapters/node/index.js';
import type { MountableHandler } from '../../src/http/types.js';

/** A request the fake REST service received (the body only when the handler read it). */
export interface SeenRequest {
  method: string;
  /** Path and query as they arrived. */
  url: string;
  headers: IncomingHttpHeaders;
  body?: string;
}

export type RawHandler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void | Promise<void>;

export interface FakeService {
  url: string;
  seen: SeenRequest[];
  /** Answers of the next requests, in order; then the default handler. */
  next(...handlers: RawHandler[]): void;
  close(): Promise<void>;
}

/** Reads the whole request body as text. */
export async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The default answer: 200 JSON echoing method, url and body. */
export const echo: RawHandler = async (req, res, seen) => {
  seen.body = await readAll(req);
  const body = JSON.stringify({ method: req.method, url: req.url, body: seen.body });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
};

/** Answers `status` with `headers` and a small JSON body (the request body is read first). */
export function answer(status: number, headers: Record<string, string> = {}, body = '{"error":"x"}'): RawHandler {
  return async (req, res, seen) => {
    seen.body = await readAll(req);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
}

export async function startFakeService(fallback: RawHandler = echo): Promise<FakeService> {
  const seen: SeenRequest[] = [];
  const queue: RawHandler[] = [];
  const server = createServer((req, res) => {
    const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(entry);
    const handler = queue.shift() ?? fallback;
    void Promise.resolve(handler(req, res, entry)).catch(() => res.destroy());
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    next: (...handlers) => queue.push(...handlers),
    close: () => close(server),
  };
}

/** Serves `handler` on 127.0.0.1, port 0. */
export async function serveHandler(handler: MountableHandler): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(createNodeListener(handler));
  await listen(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => close(server) };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A raw HTTP call (no client-side normalisation of the path), answering status, headers and body text. */
export function call(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: init.method ?? 'GET', headers: init.headers },
      async (res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
