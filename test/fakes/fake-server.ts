import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON, when it was JSON. */
  body: unknown;
  /** True once the client closed the connection before the answer was complete. */
  clientClosed: boolean;
  /** Resolves when the exchange is over: `true` when the client closed early (abort, timeout). */
  closed: Promise<boolean>;
}

/** One scripted answer. Fields set in a scripted answer override the provider fake's default answer. */
export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** The whole body: strings and bytes as they are, anything else as JSON. */
  body?: unknown;
  /** The body written piece by piece (one SSE event per piece), `chunkDelayMs` apart. */
  chunks?: Array<string | Uint8Array>;
  chunkDelayMs?: number;
  /** Wait this long before sending the status line and headers. */
  delayHeadersMs?: number;
  /** Send this many of `chunks`, then nothing more, keeping the socket open (an idle upstream). */
  stallAfterChunks?: number;
  /** Send this many of `chunks`, then destroy the socket (a dropped connection). */
  destroyAfterChunks?: number;
  /** Destroy the socket without answering. */
  destroyBeforeHeaders?: boolean;
  /** After `chunks`, stream `bytes` bytes by repeating `chunk` (a huge body never held in memory). */
  repeat?: { chunk: string | Uint8Array; bytes: number };
}

/** Computes the default answer to a request. */
export type FakeHandler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

/** A running fake upstream. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The most recent request. */
  readonly last: RecordedRequest | undefined;
  /** Queues answers for the next requests, in order, layered over the default answer. */
  script(...responses: FakeResponse[]): void;
  close(): Promise<void>;
}

const BODY_FIELDS = ['body', 'chunks', 'repeat'] as const;

/**
 * Starts a node:http fake on 127.0.0.1, port 0, that records every request and answers with the
 * scripted answers first, then the handler's.
 *
 * @example
 * ```ts
 * const fake = await startFakeServer(() => ({ body: { ok: true } }));
 * fake.script({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } });
 * ```
 */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeResponse[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let markClosed: (early: boolean) => void = () => {};
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      clientClosed: false,
      closed: new Promise<boolean>((resolve) => {
        markClosed = resolve;
      }),
    };
    requests.push(recorded);
    let destroyedByUs = false;
    res.on('close', () => {
      const early = !res.writableFinished && !destroyedByUs;
      recorded.clientClosed = early;
      markClosed(early);
    });
    const scripted = queue.shift();
    const answer = merge(await handler(recorded), scripted);
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    if (answer.delayHeadersMs) await sleep(answer.delayHeadersMs);
    if (res.destroyed) return;
    if (answer.destroyBeforeHeaders) {
      destroyedByUs = true;
      req.socket.destroy();
      return;
    }
    await writeAnswer(res, answer, sleep, () => {
      destroyedByUs = true;
      req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get last() {
      return requests.at(-1);
    },
    script(...responses) {
      queue.push(...responses);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function merge(base: FakeResponse, over: FakeResponse | undefined): FakeResponse {
  if (!over) return base;
  const out: FakeResponse = { ...base };
  // A scripted body replaces the default body whatever its form.
  if (BODY_FIELDS.some((field) => over[field] !== undefined)) for (const field of BODY_FIELDS) delete out[field];
  Object.assign(out, over);
  out.headers = { ...base.headers, ...over.headers };
  return out;
}

async function writeAnswer(
  res: ServerResponse,
  answer: FakeResponse,
  sleep: (ms: number) => Promise<void>,
  destroy: () => void,
): Promise<void> {
  const headers = { ...answer.headers };
  const hasJsonBody =
    answer.body !== undefined && typeof answer.body !== 'string' && !(answer.body instanceof Uint8Array);
  if (hasJsonBody && !hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  res.writeHead(answer.status ?? 200, headers);
  if (answer.body !== undefined) {
    const body = hasJsonBody ? JSON.stringify(answer.body) : (answer.body as string | Uint8Array);
    res.end(body);
    return;
  }
  res.flushHeaders();
  const chunks = answer.chunks ?? [];
  for (let i = 0; i <= chunks.length; i++) {
    if (answer.stallAfterChunks === i) return;
    if (answer.destroyAfterChunks === i) return destroy();
    if (i === chunks.length || res.destroyed) break;
    if (i > 0 && answer.chunkDelayMs) await sleep(answer.chunkDelayMs);
    if (!res.write(chunks[i]!)) await drained(res);
  }
  if (answer.repeat) {
    const piece = typeof answer.repeat.chunk === 'string' ? Buffer.from(answer.repeat.chunk) : answer.repeat.chunk;
    let sent = 0;
    while (sent < answer.repeat.bytes && !res.destroyed) {
      sent += piece.byteLength;
      if (!res.write(piece)) await drained(res);
    }
  }
  if (!res.destroyed) res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One SSE event as the providers write it: optional `event:` line, one `data:` line, blank line. */
export function sse(data: unknown, event?: string, eol = '\n'): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}${eol}` : ''}data: ${payload}${eol}${eol}`;
}

/** What a provider fake answers with: any mix of thinking, text and tool calls. */
export interface FakeReply {
  text?: string;
  thinking?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

/** A rough token count (4 characters a token), stable for assertions. */
export function countTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

/** Splits text into word-sized deltas, spaces kept, so streams have several content events. */
export function words(text: string): string[] {
  return text.split(/(?<= )/).filter(Boolean);
}

/** Length of the fakes' embedding vectors when the request names none. */
export const FAKE_EMBEDDING_DIMENSIONS = 16;

/**
 * The vector the fakes answer for `text`: `dimensions` values in [-1, 1) that depend only on the text,
 * each exactly representable as float32 (so base64 round trips are exact), and the same from every
 * fake, so a test can tell which input a vector belongs to whichever upstream embedded it.
 */
export function fakeVector(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619);
  return Array.from({ length: dimensions }, (_, d) => {
    seed = Math.imul(seed ^ (d + 1), 2654435761);
    return Math.fround(((seed >>> 0) % 65536) / 32768 - 1);
  });
}
