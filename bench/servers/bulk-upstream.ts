// The fake REST service of the large-body proxy benchmark, in a child process: a POST (or PUT) body is
// read to its end and answered with its size; `GET /download?bytes=N` streams N bytes, honouring
// backpressure. Nothing is kept in memory.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { portOf, serveChild } from './ipc.js';

// Bytes as a binary download has them. (A body of one repeated letter that also starts the proxy's
// keys, as this once was, is the key masker's worst case: every position starts a candidate match.)
const CHUNK = randomBytes(64 * 1024);

const server = createServer(async (req, res) => {
  if (req.method === 'GET') {
    const url = new URL(req.url ?? '/', 'http://x');
    const total = Number(url.searchParams.get('bytes') ?? 0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
    let sent = 0;
    while (sent < total) {
      const n = Math.min(CHUNK.byteLength, total - sent);
      sent += n;
      if (!res.write(n === CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, n))) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    res.end();
    return;
  }
  let size = 0;
  for await (const chunk of req) size += (chunk as Buffer).byteLength;
  const body = JSON.stringify({ bytes: size });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen({ port: 0, host: '127.0.0.1' }, () => {
  serveChild(portOf(server.address()), () => {
    server.closeAllConnections();
    server.close();
  });
});
