// switchyard as the benchmarks run it, in a child process: one Manager with an OpenAI, an Anthropic
// and a Gemini credential, all pointed at the fake upstream (BENCH_UPSTREAM), served on 127.0.0.1
// through the adapter named by BENCH_ADAPTER: `node` (switchyard/node, at the root), `express` or
// `hono` (both mounted at /llm).
import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';

// The built package, as users run it (`npm run bench` builds first); typed from the sources. The
// specifiers are computed so the type checker does not need dist/ to exist.
const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const { createExpressMiddleware } = (await import(
  dist('express/index.js')
)) as typeof import('../../src/adapters/express/index.js');
const { createHonoApp } = (await import(dist('hono/index.js'))) as typeof import('../../src/adapters/hono/index.js');
const { createHandler } = (await import(dist('http/index.js'))) as typeof import('../../src/http/index.js');
const { anthropicExecutor, geminiExecutor, Manager, openaiExecutor } = (await import(
  dist('index.js')
)) as typeof import('../../src/index.js');
const { createNodeListener } = (await import(
  dist('node/index.js')
)) as typeof import('../../src/adapters/node/index.js');

import { BENCH_CLIENT_KEY, portOf, serveChild } from './ipc.js';

const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:1';
const adapter = process.env.BENCH_ADAPTER ?? 'node';

const manager = new Manager({
  executors: [openaiExecutor(), anthropicExecutor(), geminiExecutor()],
  credentials: [
    { id: 'openai-bench', provider: 'openai', apiKey: 'sk-fake-openai', baseUrl: `${upstream}/v1` },
    { id: 'anthropic-bench', provider: 'anthropic', apiKey: 'sk-fake-anthropic', baseUrl: upstream },
    { id: 'gemini-bench', provider: 'gemini', apiKey: 'fake-gemini', baseUrl: upstream },
  ],
});
const handler = createHandler(manager, { apiKeys: [BENCH_CLIENT_KEY] });

// BENCH_OBSERVE=1: everything an operator switches on — the PostgreSQL ledger, Prometheus metrics and
// OpenTelemetry traces (the SDK with a batch processor into an exporter that drops the spans).
// BENCH_OBSERVE_PARTS (e.g. `metrics,traces`) switches on only some of them, to see what each costs.
const parts = new Set((process.env.BENCH_OBSERVE_PARTS ?? 'ledger,metrics,traces').split(','));
if (process.env.BENCH_OBSERVE === '1') {
  const { attachUsageSink } = (await import(dist('index.js'))) as typeof import('../../src/index.js');
  const { PostgresUsageSink } = (await import(
    dist('stores/postgres/index.js')
  )) as typeof import('../../src/manager/stores/postgres/index.js');
  const { registerMetrics } = (await import(
    dist('metrics/index.js')
  )) as typeof import('../../src/observe/metrics/index.js');
  const { instrumentTracing } = (await import(
    dist('tracing/index.js')
  )) as typeof import('../../src/observe/tracing/index.js');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const dsn = process.env.PGSTORE_TEST_DSN ?? 'postgres://postgres@127.0.0.1:5432/test';
  // One schema for every bench run; the rows it gathers are only ever written.
  const sink = new PostgresUsageSink(dsn, { schema: 'switchyard_bench' });
  if (parts.has('ledger')) {
    await sink.start();
    attachUsageSink(manager, sink);
  }
  if (parts.has('metrics')) registerMetrics(manager);
  const exporter = {
    export: (_spans: unknown, done: (result: { code: number }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  if (parts.has('traces')) instrumentTracing(manager, { tracerProvider: provider });
}

function listen(server: Server): Promise<Server> {
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve(server)));
}

let server: Server;
if (adapter === 'express') {
  const app = express();
  app.use('/llm', createExpressMiddleware(handler));
  server = await listen(createServer(app));
} else if (adapter === 'hono') {
  const app = new Hono();
  app.route('/llm', createHonoApp(handler));
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  server.keepAliveTimeout = 30_000;
} else {
  server = await listen(createServer(createNodeListener(handler)));
}

serveChild(portOf(server.address()), () => {
  server.closeAllConnections();
  server.close();
});
