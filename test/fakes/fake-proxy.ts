import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';

/** A running proxy that records what went through it. */
export interface FakeProxy {
  readonly url: string;
  /** `host:port` of every tunnel opened (HTTP CONNECT or SOCKS5 CONNECT). */
  readonly tunnels: string[];
  /** Absolute URLs of requests forwarded without a tunnel (plain HTTP proxying). */
  readonly forwarded: string[];
  /** `Proxy-Authorization` headers seen. */
  readonly authorizations: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on port 0 that tunnels CONNECT requests (what undici's ProxyAgent sends) and forwards
 * absolute-URI requests.
 *
 * @example
 * ```ts
 * const proxy = await startFakeHttpProxy();
 * // credential.proxyUrl = proxy.url; ... expect(proxy.tunnels).toEqual(['127.0.0.1:1234'])
 * ```
 */
export async function startFakeHttpProxy(): Promise<FakeProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const authorizations: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    forwarded.push(req.url ?? '');
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization']);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(sockets, client, upstream);
  });
  server.on('connection', (socket) => track(sockets, socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    forwarded,
    authorizations,
    close: () => closeAll(sockets, (done) => server.close(done)),
  };
}

/**
 * A SOCKS5 proxy on port 0 (no authentication, CONNECT only) — enough to prove a `socks5://` credential
 * really goes through the proxy.
 *
 * @see https://www.rfc-editor.org/rfc/rfc1928
 */
export async function startFakeSocks5Proxy(): Promise<FakeProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    track(sockets, client);
    client.once('data', (greeting) => {
      if (greeting[0] !== 5) return client.destroy();
      client.write(Buffer.from([5, 0]));
      client.once('data', (req) => {
        const type = req[3];
        let host: string;
        let offset: number;
        if (type === 1) {
          host = [...req.subarray(4, 8)].join('.');
          offset = 8;
        } else if (type === 3) {
          const length = req[4]!;
          host = req.subarray(5, 5 + length).toString();
          offset = 5 + length;
        } else {
          return client.destroy();
        }
        const port = req.readUInt16BE(offset);
        tunnels.push(`${host}:${port}`);
        const upstream = connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(client);
          client.pipe(upstream);
        });
        track(sockets, upstream);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `socks5://127.0.0.1:${port}`,
    tunnels,
    forwarded: [],
    authorizations: [],
    close: () => closeAll(sockets, (done) => server.close(done)),
  };
}

function track(sockets: Set<Socket>, ...list: Socket[]): void {
  for (const socket of list) {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      for (const other of list) other.destroy();
    });
  }
}

function closeAll(sockets: Set<Socket>, close: (done: () => void) => void): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => close(() => resolve()));
}
