// The cost of metrics and tracing per request: the same Manager (mock upstream, in process) serves
// requests without hooks, with registerMetrics, with instrumentTracing (OpenTelemetry SDK, spans
// batched to an exporter that drops them), and with both; rounds alternate so each figure is measured
// beside the baseline, and the median ratio to it is reported. Then the hooks alone: what one request's
// three hook calls cost, in ns, next to what a whole request costs in the baseline.
//   node --import tsx bench/observe.bench.ts     (BENCH_OBSERVE_REQUESTS=20000, BENCH_OBSERVE_ROUNDS=7)
// Where the time goes: metrics count in plain numbers (prom-client sees them at scrape time), so a
// request costs its map reads plus two or three prom-client histogram observations (about 0.5 us each);
// tracing costs what the SDK charges for two spans and their attributes (a sampler that drops a span
// makes it nearly free).
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Manager, type ManagerHooks, mockExecutor, type UsageRecord } from '../src/index.js';
import { registerMetrics } from '../src/observe/metrics/index.js';
import { instrumentTracing } from '../src/observe/tracing/index.js';

const REQUESTS = Number(process.env.BENCH_OBSERVE_REQUESTS) || 20_000;
const ROUNDS = Number(process.env.BENCH_OBSERVE_ROUNDS) || 7;

const dropExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

type Variant = 'baseline' | 'metrics' | 'tracing' | 'metrics+tracing';
const VARIANTS: Variant[] = ['baseline', 'metrics', 'tracing', 'metrics+tracing'];

function managerFor(variant: Variant): Manager {
  const manager = new Manager({
    executors: [mockExecutor()],
    credentials: [
      { id: 'a', provider: 'mock', apiKey: 'sk-a-0123456789', models: [{ name: 'mock-model' }] },
      { id: 'b', provider: 'mock', apiKey: 'sk-b-0123456789', models: [{ name: 'mock-model' }] },
    ],
  });
  if (variant.includes('metrics')) registerMetrics(manager);
  if (variant.includes('tracing')) {
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(dropExporter, { maxQueueSize: 100_000 })],
    });
    instrumentTracing(manager, { tracerProvider: provider });
  }
  return manager;
}

const body = { model: 'mock-model', messages: [{ role: 'user', content: 'Say hello.' }] };
const streamBody = { ...body, stream: true };

async function round(manager: Manager, requests: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const stream = i % 4 === 0;
    const res = await manager.execute({ dialect: 'openai-chat', body: stream ? streamBody : body });
    if (res.stream) for await (const _ of res.body as AsyncIterable<Uint8Array>);
  }
  return requests / ((performance.now() - start) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const managers = new Map(VARIANTS.map((v) => [v, managerFor(v)]));
for (const manager of managers.values()) await round(manager, 2_000); // warm up
const rates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
const ratios = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
for (let r = 0; r < ROUNDS; r++) {
  const base = await round(managers.get('baseline')!, REQUESTS);
  rates.get('baseline')!.push(base);
  for (const variant of VARIANTS.slice(1)) {
    const rate = await round(managers.get(variant)!, REQUESTS);
    rates.get(variant)!.push(rate);
    ratios.get(variant)!.push(rate / base);
  }
}
console.log(`observe bench: ${REQUESTS} requests per round (1 in 4 streamed), ${ROUNDS} rounds, medians`);
for (const variant of VARIANTS) {
  const rate = median(rates.get(variant)!);
  const ratio = variant === 'baseline' ? 1 : median(ratios.get(variant)!);
  console.log(
    `  ${variant.padEnd(16)} ${Math.round(rate).toString().padStart(7)} req/s   ${(ratio * 100).toFixed(1)}% of baseline`,
  );
}

// The hooks alone, called the way the Manager calls them for one successful request.
function hooksOf(variant: Variant): ManagerHooks[] {
  const sets: ManagerHooks[] = [];
  const source = {
    addHooks: (hooks: ManagerHooks) => {
      sets.push(hooks);
      return () => {};
    },
    status: () => Promise.resolve({ closing: false, inFlight: 0, credentials: [] }),
  };
  if (variant.includes('metrics')) registerMetrics(source);
  if (variant.includes('tracing')) {
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(dropExporter, { maxQueueSize: 100_000 })],
    });
    instrumentTracing(source, { tracerProvider: provider });
  }
  return sets;
}

const CALLS = 200_000;
const perRequestNs = 1e9 / median(rates.get('baseline')!);
console.log(`hooks alone: ${CALLS} requests; a whole request takes ${Math.round(perRequestNs)} ns in the baseline`);
for (const variant of VARIANTS.slice(1)) {
  const sets = hooksOf(variant);
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const requestId = `req-${i}`;
      const info = { requestId, attempt: 1, credentialId: i % 2 ? 'a' : 'b', provider: 'mock', model: 'mock-model' };
      const result = { ...info, ok: true, latencyMs: 3 };
      const record: UsageRecord = {
        timestamp: 0,
        requestId,
        credentialId: info.credentialId,
        provider: 'mock',
        modelRequested: 'mock-model',
        modelUsed: 'mock-model',
        dialect: 'openai-chat',
        stream: false,
        promptTokens: 12,
        completionTokens: 30,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        latencyMs: 4,
        upstreamMs: 3,
        attempts: 1,
        success: true,
        status: 200,
      };
      for (const hooks of sets) hooks.onAttempt?.(info);
      for (const hooks of sets) hooks.onResult?.(result);
      for (const hooks of sets) hooks.onUsage?.(record);
    }
    samples.push(((performance.now() - start) * 1e6) / CALLS);
  }
  const ns = median(samples);
  console.log(
    `  ${variant.padEnd(16)} ${Math.round(ns).toString().padStart(7)} ns per request (payloads included)   ~${((ns / perRequestNs) * 100).toFixed(1)}% of a request`,
  );
}
