// The floor: the least any Node gateway costs. A pass-through proxy on node:http that forwards every
// request to BENCH_UPSTREAM with `undici.request` and streams the answer back, nothing else.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { portOf, serveChild } from './ipc.js';

const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:1';
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const server = createServer(async (req, res) => {
  try {
    const answer = await request(`${upstream}${req.url ?? '/'}`, {
      method: req.method === 'POST' ? 'POST' : 'GET',
      headers: forwardable(req.headers),
      body: req.method === 'POST' ? req : null,
      dispatcher,
    });
    res.writeHead(answer.statusCode, forwardable(answer.headers));
    await pipeline(answer.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 30_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  serveChild(portOf(server.address()), async () => {
    server.closeAllConnections();
    server.close();
    await dispatcher.close();
  });
});
