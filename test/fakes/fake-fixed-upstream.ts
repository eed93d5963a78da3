import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake upstream that answers every request with the same `status` and `body` (SSE or JSON) and records
 * each request, so an official SDK (`@google/genai` in the Gemini codec tests) can judge what a codec produces.
 */
export async function serve(
  status: number,
  body: string,
  contentType: string,
): Promise<{ url: string; requests: Array<{ path: string; body: string }>; close: () => Promise<void> }> {
  const requests: Array<{ path: string; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body: data });
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
