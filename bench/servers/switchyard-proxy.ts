// `switchyard serve` with one proxied REST service (BENCH_UPSTREAM) as the large-body benchmark runs it:
// built the way the CLI builds it (fromConfig, the LLM handler, the management handler and the proxy
// combined, the Node bridge), with the usage ledger in memory. The built package when dist/ exists
// (`npm run build`), else the sources.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { BENCH_CLIENT_KEY, portOf, serveChild } from './ipc.js';

const built = existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)));
const from = (dist: string, src: string) =>
  new URL(built ? `../../dist/${dist}` : `../../src/${src}`, import.meta.url).href;
const { fromConfig } = (await import(
  from('config/index.js', 'config/index.ts')
)) as typeof import('../../src/config/index.js');
const { combineHandlers } = (await import(
  from('http/index.js', 'http/index.ts')
)) as typeof import('../../src/http/index.js');
const { createNodeListener } = (await import(
  from('node/index.js', 'adapters/node/index.ts')
)) as typeof import('../../src/adapters/node/index.js');

const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:1';
const app = await fromConfig(
  {
    'api-keys': [BENCH_CLIENT_KEY],
    usage: { sink: 'memory' },
    'proxy-services': [
      {
        name: 'bulk',
        'base-url': upstream,
        keys: ['bench-key-aaaaaaaaaaaa', 'bench-key-bbbbbbbbbbbb'],
        placement: { header: 'X-Api-Key' },
      },
    ],
  },
  { watch: false },
);
const server = createServer(createNodeListener(combineHandlers(app.handler, app.management, app.proxy!)));
server.keepAliveTimeout = 30_000;
server.listen({ port: 0, host: '127.0.0.1' }, () => {
  serveChild(portOf(server.address()), async () => {
    server.closeAllConnections();
    server.close();
    await app.close({ graceMs: 0 });
  });
});
