// `npm run bench`: every benchmark of switchyard on 127.0.0.1, with a table on stdout and the
// figures in bench/results/latest.json (a full run also rewrites the results block of
// docs/benchmarks.md). The fake upstream and every proxy run in child processes; the load comes from
// this process (autocannon). Every figure is shown next to a baseline measured in the same run.
//
// Environment (defaults give the full run, about 13 minutes on 2 cores):
//   BENCH_SECONDS=10          length of one measured load run
//   BENCH_RUNS=3              runs per scenario and connection count; the median is reported
//   BENCH_WARMUP_SECONDS=2    load before the first run of each scenario and connection count
//   BENCH_CONNECTIONS=1,50    connection counts
//   BENCH_TTFB_REQUESTS=1000  streamed requests per target for the time to first byte
//   BENCH_STREAMS=1000        concurrent slow streams (BENCH_SLOW_EVENTS=50 events, 100 ms apart)
//   BENCH_PEER=0              skip @portkey-ai/gateway
//   BENCH_ONLY=load,ttfb,streams,selectors,translate   run only these parts
//   BENCH_SCENARIOS=1,3,8     run only these load scenarios
//   BENCH_DOCS=1|0            rewrite docs/benchmarks.md (default: only on a full-length run)
// Quick run: BENCH_SECONDS=2 BENCH_RUNS=1 BENCH_WARMUP_SECONDS=1 BENCH_TTFB_REQUESTS=200 npm run bench
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import {
  type Call,
  type Child,
  type ChildOptions,
  countEvents,
  firstByte,
  type LoadResult,
  load,
  median,
  once,
  ROOT,
  type SlowStreamsResult,
  slowStreams,
  startChild,
} from './harness.js';
import { benchSelectors } from './selectors.bench.js';
import { BENCH_CLIENT_KEY } from './servers/ipc.js';

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const SECONDS = envNumber('BENCH_SECONDS', 10);
const RUNS = Math.round(envNumber('BENCH_RUNS', 3));
const WARMUP = envNumber('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,50')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const TTFB_REQUESTS = Math.round(envNumber('BENCH_TTFB_REQUESTS', 1000));
const STREAMS = Math.round(envNumber('BENCH_STREAMS', 1000));
const PEER = process.env.BENCH_PEER !== '0';
const ONLY = new Set((process.env.BENCH_ONLY ?? 'load,ttfb,streams,selectors,translate').split(','));
const FULL = SECONDS >= 10 && RUNS >= 3 && STREAMS >= 1000;
const WRITE_DOCS = process.env.BENCH_DOCS === undefined ? FULL : process.env.BENCH_DOCS === '1';

// ---------------------------------------------------------------------------------------------
// Calls and scenarios

const messages = [{ role: 'user', content: 'Say hello.' }];
const json = { 'content-type': 'application/json' };
const toFake = { ...json, authorization: 'Bearer sk-fake' };
const toSwitchyard = { ...json, authorization: `Bearer ${BENCH_CLIENT_KEY}` };

function chat(model: string, stream = false): string {
  return JSON.stringify({
    model,
    messages,
    max_tokens: 64,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

const geminiStreamPath = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
const geminiBody = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] });
const anthropicIn = {
  ...json,
  'x-api-key': BENCH_CLIENT_KEY,
  'anthropic-version': '2023-06-01',
};

type ServerId =
  | 'upstream'
  | 'floor'
  | 'node'
  | 'serve'
  | 'serve-baseline'
  | 'serve-workers'
  | 'observed'
  | 'express'
  | 'hono'
  | 'portkey';

interface Scenario {
  id: string;
  label: string;
  server: ServerId;
  call: (upstream: string) => Call;
  /** A substring a correct answer contains. */
  expect: string;
  /** The baseline of its requests/s ratio and of its added latency: the floor of the same answer kind. */
  floor: string;
  /** Direct to the upstream with the same answer kind, for the added latency. */
  direct: string;
}

const chatCall = (model: string, prefix = ''): Call => ({
  path: `${prefix}/v1/chat/completions`,
  headers: toSwitchyard,
  body: chat(model),
});
const portkeyCall =
  (provider: string, model: string) =>
  (upstream: string): Call => ({
    path: '/v1/chat/completions',
    headers: { ...toFake, 'x-portkey-provider': provider, 'x-portkey-custom-host': `${upstream}/v1` },
    body: chat(model),
  });

const ALL_SCENARIOS: Scenario[] = [
  {
    id: '1',
    label: '1 direct to the fake upstream (OpenAI JSON)',
    server: 'upstream',
    call: () => ({ path: '/v1/chat/completions', headers: toFake, body: chat('gpt-4o-mini') }),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '1s',
    label: '1s direct to the fake upstream (Gemini SSE)',
    server: 'upstream',
    call: () => ({ path: geminiStreamPath, headers: { ...json, 'x-goog-api-key': 'fake' }, body: geminiBody }),
    expect: 'finishReason',
    floor: '2s',
    direct: '1s',
  },
  {
    id: '2',
    label: '2 floor: node:http + undici.request (OpenAI JSON)',
    server: 'floor',
    call: () => ({ path: '/v1/chat/completions', headers: toFake, body: chat('gpt-4o-mini') }),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '2s',
    label: '2s floor (Gemini SSE)',
    server: 'floor',
    call: () => ({ path: geminiStreamPath, headers: { ...json, 'x-goog-api-key': 'fake' }, body: geminiBody }),
    expect: 'finishReason',
    floor: '2s',
    direct: '1s',
  },
  {
    id: '3',
    label: '3 switchyard/node, OpenAI → OpenAI',
    server: 'node',
    call: () => chatCall('gpt-4o-mini'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '3c',
    label: '3c switchyard serve (the CLI, client key, defaults), OpenAI → OpenAI',
    server: 'serve',
    call: () => chatCall('gpt-4o-mini'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '3w',
    label: '3w switchyard serve --workers 2 (node:cluster, state per worker), OpenAI → OpenAI',
    server: 'serve-workers',
    call: () => chatCall('gpt-4o-mini'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    // Only with BENCH_BASELINE_DIST: an A/B of a change in one run, against a build of the commit before it.
    id: '3c0',
    label: '3c0 switchyard serve from BENCH_BASELINE_DIST (the baseline build), OpenAI → OpenAI',
    server: 'serve-baseline',
    call: () => chatCall('gpt-4o-mini'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '4',
    label: '4 switchyard/node, OpenAI → Anthropic',
    server: 'node',
    call: () => chatCall('claude-sonnet-4-5'),
    expect: 'Hello from fake Claude',
    floor: '2',
    direct: '1',
  },
  {
    id: '5',
    label: '5 switchyard/node, Anthropic → Gemini SSE',
    server: 'node',
    call: () => ({
      path: '/v1/messages',
      headers: anthropicIn,
      body: JSON.stringify({ model: 'gemini-2.5-flash', max_tokens: 64, messages, stream: true }),
    }),
    expect: 'message_stop',
    floor: '2s',
    direct: '1s',
  },
  {
    id: '8',
    label: '8 switchyard/node + PostgreSQL ledger, metrics, traces, OpenAI → OpenAI',
    server: 'observed',
    call: () => chatCall('gpt-4o-mini'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '6/3',
    label: '6 peer @portkey-ai/gateway, OpenAI → OpenAI',
    server: 'portkey',
    call: portkeyCall('openai', 'gpt-4o-mini'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '6/4',
    label: '6 peer @portkey-ai/gateway, OpenAI → Anthropic',
    server: 'portkey',
    call: portkeyCall('anthropic', 'claude-sonnet-4-5'),
    expect: 'Hello from fake Claude',
    floor: '2',
    direct: '1',
  },
  {
    id: '7e',
    label: '7 switchyard/express, OpenAI → OpenAI',
    server: 'express',
    call: () => chatCall('gpt-4o-mini', '/llm'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
  {
    id: '7h',
    label: '7 switchyard/hono, OpenAI → OpenAI',
    server: 'hono',
    call: () => chatCall('gpt-4o-mini', '/llm'),
    expect: 'chat.completion',
    floor: '2',
    direct: '1',
  },
];
// BENCH_SCENARIOS=1,3,8 measures only those load scenarios (for a quick look at one change).
const SCENARIO_FILTER = process.env.BENCH_SCENARIOS?.split(',').map((id) => id.trim());
const SCENARIOS = SCENARIO_FILTER
  ? ALL_SCENARIOS.filter((s) => SCENARIO_FILTER.includes(s.id))
  : ALL_SCENARIOS.filter((s) => s.server !== 'serve-baseline' || process.env.BENCH_BASELINE_DIST);

// ---------------------------------------------------------------------------------------------
// Child processes

const children = new Set<Child>();

async function spawn(name: string, options: ChildOptions): Promise<Child> {
  const child = await startChild(name, options);
  children.add(child);
  return child;
}

async function stop(child: Child | undefined): Promise<void> {
  if (!child) return;
  children.delete(child);
  await child.stop();
}

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
}

function serverOptions(server: Exclude<ServerId, 'upstream'>, upstream: string): ChildOptions {
  const env = { BENCH_UPSTREAM: upstream };
  if (server === 'floor') return { entry: 'bench/servers/floor.ts', env };
  if (server === 'portkey') {
    return {
      entry: 'node_modules/@portkey-ai/gateway/build/start-server.js',
      args: ['--port=0', '--headless'],
      preload: ['bench/servers/portkey-preload.ts'],
      env,
    };
  }
  if (server === 'serve') return { entry: 'bench/servers/serve.ts', env };
  if (server === 'serve-workers') {
    // The same as 3c with two workers, to compare 1 and 2 processes on this machine's cores.
    const args = `${process.env.BENCH_SERVE_ARGS ?? ''} --workers 2`.trim();
    return { entry: 'bench/servers/serve.ts', env: { ...env, BENCH_SERVE_ARGS: args } };
  }
  if (server === 'serve-baseline') {
    const dist = process.env.BENCH_BASELINE_DIST;
    if (!dist) throw new Error('set BENCH_BASELINE_DIST to the dist/ folder of a baseline build');
    return { entry: 'bench/servers/serve.ts', env: { ...env, BENCH_SERVE_CLI: `${dist}/cli/switchyard.js` } };
  }
  if (server === 'observed') {
    return { entry: 'bench/servers/switchyard.ts', env: { ...env, BENCH_ADAPTER: 'node', BENCH_OBSERVE: '1' } };
  }
  return { entry: 'bench/servers/switchyard.ts', env: { ...env, BENCH_ADAPTER: server } };
}

// A run that hangs past any reasonable length stops itself.
const watchdogMs = (CONNECTIONS.length * SCENARIOS.length * (RUNS * SECONDS + WARMUP + 5) + 600) * 1000 + 10 * 60_000;
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${Math.round(watchdogMs / 60_000)} min, giving up`);
  void stopAll().finally(() => process.exit(2));
}, watchdogMs);
watchdog.unref();
process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

// ---------------------------------------------------------------------------------------------
// Formatting

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const ratio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const mark = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? '✓' : '✗');

function markdownTable(rows: Array<Record<string, string>>): string {
  if (rows.length === 0) return '';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(keys), line(keys.map(() => '---')), ...rows.map((row) => line(keys.map((k) => row[k] ?? '')))].join(
    '\n',
  );
}

// ---------------------------------------------------------------------------------------------
// 1. Load scenarios

interface LoadRow {
  scenario: string;
  label: string;
  connections: number;
  /** Median over the runs; undefined when the scenario could not run. */
  requestsPerSecond?: number;
  meanLatencyMs?: number;
  p99LatencyMs?: number;
  errors?: number;
  cpuMicrosPerRequest?: number;
  runs?: LoadResult[];
  note?: string;
}

const loadRows: LoadRow[] = [];
const notes: string[] = [];

function row(id: string, connections: number): LoadRow | undefined {
  return loadRows.find((r) => r.scenario === id && r.connections === connections);
}

async function runLoad(upstream: Child): Promise<void> {
  const servers = new Map<ServerId, Child>([['upstream', upstream]]);
  const unavailable = new Map<ServerId, string>();
  const wanted = new Set(SCENARIOS.map((s) => s.server));
  if (!PEER) unavailable.set('portkey', 'skipped (BENCH_PEER=0)');
  for (const server of wanted) {
    if (server === 'upstream' || unavailable.has(server)) continue;
    try {
      servers.set(server, await spawn(server, serverOptions(server, upstream.url)));
    } catch (error) {
      unavailable.set(server, `could not start: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  // Check every scenario answers what it should before measuring it.
  const runnable: Scenario[] = [];
  for (const scenario of SCENARIOS) {
    const server = servers.get(scenario.server);
    const reason = unavailable.get(scenario.server);
    if (!server) {
      notes.push(`${scenario.label}: n/a, ${reason ?? 'not started'}`);
      continue;
    }
    try {
      const answer = await once(server.url, scenario.call(upstream.url));
      if (answer.status !== 200 || !answer.body.includes(scenario.expect)) {
        throw new Error(`status ${answer.status}: ${answer.body.slice(0, 200)}`);
      }
      runnable.push(scenario);
    } catch (error) {
      notes.push(`${scenario.label}: n/a, wrong answer (${(error as Error).message})`);
    }
  }
  for (const connections of CONNECTIONS) {
    const results = new Map<string, LoadResult[]>();
    for (const scenario of runnable) {
      const server = servers.get(scenario.server)!;
      await load(server.url, scenario.call(upstream.url), connections, WARMUP);
      results.set(scenario.id, []);
    }
    // Rounds interleave the scenarios, so drift on the machine is shared by all of them.
    for (let run = 0; run < RUNS; run++) {
      for (const scenario of runnable) {
        const server = servers.get(scenario.server)!;
        // CPU is counted for the scenario's own server process tree (the fake upstream's for the direct one).
        const result = await load(server.url, scenario.call(upstream.url), connections, SECONDS, server.pid);
        results.get(scenario.id)!.push(result);
        process.stderr.write(
          `  c=${connections} run ${run + 1}/${RUNS} ${scenario.label}: ${fmt(result.requestsPerSecond)} req/s\n`,
        );
      }
    }
    for (const scenario of SCENARIOS) {
      const runs = results.get(scenario.id);
      if (!runs) {
        loadRows.push({ scenario: scenario.id, label: scenario.label, connections, note: 'n/a' });
        continue;
      }
      loadRows.push({
        scenario: scenario.id,
        label: scenario.label,
        connections,
        requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
        meanLatencyMs: median(runs.map((r) => r.meanLatencyMs)),
        p99LatencyMs: median(runs.map((r) => r.p99LatencyMs)),
        ...(runs.every((r) => r.cpuMicrosPerRequest !== undefined)
          ? { cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest!)) }
          : {}),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
        runs,
      });
    }
  }
  for (const [id, server] of servers) if (id !== 'upstream') await stop(server);
}

function loadTable(): Array<Record<string, string>> {
  return loadRows.map((r) => {
    const scenario = SCENARIOS.find((s) => s.id === r.scenario)!;
    const floor = row(scenario.floor, r.connections);
    const direct = row(scenario.direct, r.connections);
    const added = (r.meanLatencyMs ?? Number.NaN) - (direct?.meanLatencyMs ?? Number.NaN);
    const floorAdded = (floor?.meanLatencyMs ?? Number.NaN) - (direct?.meanLatencyMs ?? Number.NaN);
    const isBaseline = r.scenario === scenario.direct;
    return {
      scenario: scenario.label,
      c: String(r.connections),
      'req/s': fmt(r.requestsPerSecond ?? Number.NaN),
      '× floor': ratio((r.requestsPerSecond ?? Number.NaN) / (floor?.requestsPerSecond ?? Number.NaN)),
      'mean ms': fmt(r.meanLatencyMs ?? Number.NaN, 3),
      'added ms': isBaseline ? '—' : fmt(added, 3),
      '× floor added': isBaseline || r.scenario === scenario.floor ? '—' : ratio(added / floorAdded),
      'p99 ms': fmt(r.p99LatencyMs ?? Number.NaN),
      'CPU µs/req': fmt(r.cpuMicrosPerRequest ?? Number.NaN),
      '× floor CPU':
        r.scenario === scenario.direct
          ? '—'
          : ratio((r.cpuMicrosPerRequest ?? Number.NaN) / (floor?.cpuMicrosPerRequest ?? Number.NaN)),
      errors: r.errors === undefined ? 'n/a' : String(r.errors),
    };
  });
}

function frameworkTable(): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const connections of CONNECTIONS) {
    const node = row('3', connections);
    for (const id of ['7e', '7h']) {
      const r = row(id, connections);
      if (!r || !node) continue;
      const added = (r.meanLatencyMs ?? Number.NaN) - (node.meanLatencyMs ?? Number.NaN);
      out.push({
        adapter: id === '7e' ? 'switchyard/express' : 'switchyard/hono',
        c: String(connections),
        'req/s': fmt(r.requestsPerSecond ?? Number.NaN),
        '× switchyard/node': ratio((r.requestsPerSecond ?? Number.NaN) / (node.requestsPerSecond ?? Number.NaN)),
        'ms added per request over switchyard/node': fmt(added, 3),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. Time to first streamed byte

interface FirstByteRow {
  target: string;
  medianMs: number;
  p90Ms: number;
  /** Added over the direct stream of the same upstream. */
  addedMs?: number;
  /** The floor's added time, same upstream stream. */
  floorAddedMs?: number;
}

const firstByteRows: FirstByteRow[] = [];

async function runFirstByte(upstream: Child): Promise<void> {
  const floor = await spawn('floor', serverOptions('floor', upstream.url));
  const node = await spawn('node', serverOptions('node', upstream.url));
  const openaiStream: Call = { path: '/v1/chat/completions', headers: toFake, body: chat('gpt-4o-mini', true) };
  const targets: Array<{ target: string; origin: string; call: Call; direct?: string }> = [
    { target: 'direct, OpenAI SSE', origin: upstream.url, call: openaiStream },
    { target: 'floor, OpenAI SSE', origin: floor.url, call: openaiStream, direct: 'direct, OpenAI SSE' },
    {
      target: '3 switchyard/node, OpenAI → OpenAI SSE',
      origin: node.url,
      call: { ...openaiStream, headers: toSwitchyard },
      direct: 'direct, OpenAI SSE',
    },
    {
      target: 'direct, Gemini SSE',
      origin: upstream.url,
      call: { path: geminiStreamPath, headers: { ...json, 'x-goog-api-key': 'fake' }, body: geminiBody },
    },
    {
      target: '5 switchyard/node, Anthropic → Gemini SSE',
      origin: node.url,
      call: ALL_SCENARIOS.find((s) => s.id === '5')!.call(upstream.url),
      direct: 'direct, Gemini SSE',
    },
  ];
  for (const t of targets) {
    const samples = await firstByte(t.origin, t.call, TTFB_REQUESTS, Math.min(500, TTFB_REQUESTS));
    const sorted = [...samples].sort((a, b) => a - b);
    const entry: FirstByteRow = {
      target: t.target,
      medianMs: median(samples),
      p90Ms: sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN,
    };
    const direct = firstByteRows.find((r) => r.target === t.direct);
    if (direct) entry.addedMs = entry.medianMs - direct.medianMs;
    firstByteRows.push(entry);
  }
  const floorAdded = firstByteRows.find((r) => r.target.startsWith('floor'))?.addedMs;
  for (const r of firstByteRows) if (r.addedMs !== undefined && floorAdded !== undefined) r.floorAddedMs = floorAdded;
  await stop(floor);
  await stop(node);
}

// ---------------------------------------------------------------------------------------------
// 3. Many slow streams

interface StreamsRow extends SlowStreamsResult {
  target: string;
  baselineRss: number;
  peakRss: number;
  bytesPerStream: number;
}

const streamRows: StreamsRow[] = [];

async function runSlowStreams(upstream: Child): Promise<void> {
  const slowBody = chat('gpt-slow', true);
  const direct = await once(upstream.url, { path: '/v1/chat/completions', headers: toFake, body: slowBody });
  const expectedEvents = countEvents(direct.body);
  const targets: Array<{ target: string; server: 'floor' | 'node'; headers: Record<string, string> }> = [
    { target: 'floor', server: 'floor', headers: toFake },
    { target: '3 switchyard/node, OpenAI → OpenAI', server: 'node', headers: toSwitchyard },
  ];
  for (const t of targets) {
    // A fresh process, warmed up a little, so its RSS is not what an earlier run left behind.
    const server = await spawn(t.target, serverOptions(t.server, upstream.url));
    const call: Call = { path: '/v1/chat/completions', headers: t.headers, body: chat('gpt-4o-mini', true) };
    for (let i = 0; i < 200; i++) await once(server.url, call);
    server.memReset();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await slowStreams(server.url, { ...call, body: slowBody }, STREAMS, expectedEvents);
    const mem = await server.memReport();
    streamRows.push({
      target: t.target,
      ...result,
      baselineRss: mem.baselineRss,
      peakRss: mem.peakRss,
      bytesPerStream: (mem.peakRss - mem.baselineRss) / STREAMS,
    });
    await stop(server);
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Selectors and translation

type SelectorRow = Awaited<ReturnType<typeof benchSelectors>>[number];
let selectorRows: SelectorRow[] = [];

// HOOK (translation benchmark): another part of the work adds bench/translate.bench.ts exporting
// `benchTranslate()`. It is loaded when the file is there; its rows are printed and saved as they come.
let translateResult: unknown;
let translateNote = '';

async function runTranslate(): Promise<void> {
  const file = new URL('./translate.bench.ts', import.meta.url);
  if (!existsSync(file)) {
    translateNote = 'n/a: bench/translate.bench.ts is not there yet (hook in bench/run.ts)';
    return;
  }
  const mod: unknown = await import(pathToFileURL(file.pathname).href);
  const bench =
    typeof mod === 'object' && mod !== null && 'benchTranslate' in mod && typeof mod.benchTranslate === 'function'
      ? (mod.benchTranslate as () => unknown)
      : undefined;
  if (!bench) {
    translateNote = 'n/a: bench/translate.bench.ts does not export benchTranslate()';
    return;
  }
  translateResult = await bench();
}

function translateRows(): Array<Record<string, string>> {
  if (!Array.isArray(translateResult)) return [];
  return translateResult.map((entry: unknown) => {
    const out: Record<string, string> = {};
    if (typeof entry !== 'object' || entry === null) return { value: String(entry) };
    for (const [key, value] of Object.entries(entry)) {
      out[key] =
        typeof value === 'number'
          ? value >= 100
            ? fmt(value)
            : value.toFixed(3)
          : typeof value === 'object'
            ? JSON.stringify(value)
            : String(value);
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Budgets

interface Budget {
  budget: string;
  measured: string;
  ok: boolean | undefined;
}

function budgets(): Budget[] {
  const out: Budget[] = [];
  const rps = (id: string, c: number) => row(id, c)?.requestsPerSecond ?? Number.NaN;
  const lat = (id: string, c: number) => row(id, c)?.meanLatencyMs ?? Number.NaN;
  const check = (value: number, pass: (v: number) => boolean) => (Number.isFinite(value) ? pass(value) : undefined);
  const top = Math.max(...CONNECTIONS);
  const r3 = rps('3', top) / rps('2', top);
  out.push({ budget: `3 ≥ 0.8× floor req/s at c=${top}`, measured: ratio(r3), ok: check(r3, (v) => v >= 0.8) });
  const added3 = (lat('3', 1) - lat('1', 1)) / (lat('2', 1) - lat('1', 1));
  out.push({
    budget: '3 ≤ 1.3× floor added latency at c=1',
    measured: `${ratio(added3)} (${fmt(lat('3', 1) - lat('1', 1), 3)} vs ${fmt(lat('2', 1) - lat('1', 1), 3)} ms)`,
    ok: check(added3, (v) => v <= 1.3),
  });
  const r8 = rps('8', top) / rps('3', top);
  out.push({
    budget: `8 (ledger, metrics, traces on) ≥ 0.9× scenario 3 req/s at c=${top}`,
    measured: ratio(r8),
    ok: check(r8, (v) => v >= 0.9),
  });
  const r3c = rps('3c', top) / rps('2', top);
  out.push({
    budget: `3c (switchyard serve) ≥ 0.9× floor req/s at c=${top}`,
    measured: ratio(r3c),
    ok: check(r3c, (v) => v >= 0.9),
  });
  const added3c = (lat('3c', 1) - lat('1', 1)) / (lat('2', 1) - lat('1', 1));
  out.push({
    budget: '3c ≤ 1.2× floor added latency at c=1',
    measured: `${ratio(added3c)} (${fmt(lat('3c', 1) - lat('1', 1), 3)} vs ${fmt(lat('2', 1) - lat('1', 1), 3)} ms)`,
    ok: check(added3c, (v) => v <= 1.2),
  });
  const r4 = rps('4', top) / rps('2', top);
  out.push({ budget: `4 ≥ 0.8× floor req/s at c=${top}`, measured: ratio(r4), ok: check(r4, (v) => v >= 0.8) });
  for (const prefix of ['3 ', '5 ']) {
    const r = firstByteRows.find((f) => f.target.startsWith(prefix));
    const added = r?.addedMs ?? Number.NaN;
    out.push({
      budget: `first streamed byte, ${prefix.trim()}: ≤ 0.3 ms added over direct`,
      measured: `${fmt(added, 3)} ms`,
      ok: check(added, (v) => v <= 0.3),
    });
  }
  const geminiRow = Array.isArray(translateResult)
    ? (translateResult as Array<{ name?: string; perEventNs?: number }>).find(
        (r) => r.name === 'stream gemini → anthropic-messages',
      )
    : undefined;
  const perEventUs = (geminiRow?.perEventNs ?? Number.NaN) / 1000;
  out.push({
    budget: '5 in-process: ≤ 1.5 µs per translated stream event (gemini → anthropic-messages)',
    measured: `${fmt(perEventUs, 2)} µs`,
    ok: check(perEventUs, (v) => v <= 1.5),
  });
  const streams = streamRows.find((s) => s.target.startsWith('3 '));
  const kb = (streams?.bytesPerStream ?? Number.NaN) / 1024;
  out.push({
    budget: `${fmt(STREAMS)} slow streams ≤ 40 KB RSS each`,
    measured: `${fmt(kb, 1)} KB`,
    ok: check(kb, (v) => v <= 40),
  });
  out.push({
    budget: `${fmt(STREAMS)} slow streams, zero errors`,
    measured: streams ? String(streams.errors) : 'n/a',
    ok: streams ? streams.errors === 0 : undefined,
  });
  for (const [ours, peer] of [
    ['3', '6/3'],
    ['4', '6/4'],
  ] as const) {
    for (const c of CONNECTIONS) {
      const r = rps(ours, c) / rps(peer, c);
      out.push({
        budget: `${ours} ahead of the peer at c=${c} (req/s)`,
        measured: Number.isFinite(r) ? ratio(r) : 'n/a (peer did not run)',
        ok: check(r, (v) => v > 1),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Main

const machine = `${platform()} ${release()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const started = new Date();
const load1 = () => loadavg()[0]?.toFixed(2) ?? 'n/a';
const loadAtStart = load1();
console.log(`switchyard benchmarks — ${started.toISOString()}, Node ${process.version}, ${machine}`);
console.log(`1-minute load average at start: ${loadAtStart} (other work on the machine skews every figure)`);
console.log(
  `load: ${RUNS} × ${SECONDS} s per scenario (median), ${WARMUP} s warm-up, connections ${CONNECTIONS.join(', ')}`,
);

try {
  if (ONLY.has('load') || ONLY.has('ttfb') || ONLY.has('streams')) {
    const upstream = await spawn('upstream', { entry: 'bench/servers/upstream.ts' });
    if (ONLY.has('load')) {
      console.log('\nload scenarios…');
      await runLoad(upstream);
    }
    if (ONLY.has('ttfb')) {
      console.log('\ntime to first streamed byte…');
      await runFirstByte(upstream);
    }
    if (ONLY.has('streams')) {
      console.log(`\n${STREAMS} slow streams…`);
      await runSlowStreams(upstream);
    }
    await stop(upstream);
  }
  if (ONLY.has('selectors')) selectorRows = await benchSelectors();
  if (ONLY.has('translate')) await runTranslate();
} finally {
  await stopAll();
}

const sections: Array<{ title: string; rows: Array<Record<string, string>> }> = [];
if (loadRows.length) {
  sections.push({
    title:
      'Load (median of the runs; × floor = ratio to the floor of the same answer kind; added = mean latency minus direct)',
    rows: loadTable(),
  });
  sections.push({ title: 'What each framework adapter costs on top of switchyard/node', rows: frameworkTable() });
}
if (firstByteRows.length) {
  sections.push({
    title: `Time to first streamed byte, c=1 (${fmt(TTFB_REQUESTS)} requests each; added = over direct, same upstream stream)`,
    rows: firstByteRows.map((r) => ({
      target: r.target,
      'median ms': fmt(r.medianMs, 3),
      'p90 ms': fmt(r.p90Ms, 3),
      'added ms': r.addedMs === undefined ? '—' : fmt(r.addedMs, 3),
      '× floor added':
        r.addedMs === undefined || r.target.startsWith('floor')
          ? '—'
          : ratio(r.addedMs / (r.floorAddedMs ?? Number.NaN)),
    })),
  });
}
if (streamRows.length) {
  const floor = streamRows.find((s) => s.target === 'floor');
  sections.push({
    title: `${fmt(STREAMS)} concurrent slow streams (one event per 100 ms), RSS of the proxy process`,
    rows: streamRows.map((s) => ({
      target: s.target,
      'peak open': fmt(s.peakOpen),
      errors: String(s.errors),
      'baseline RSS MB': fmt(s.baselineRss / 2 ** 20, 1),
      'peak RSS MB': fmt(s.peakRss / 2 ** 20, 1),
      'KB per stream': fmt(s.bytesPerStream / 1024, 1),
      '× floor': ratio(s.bytesPerStream / (floor?.bytesPerStream ?? Number.NaN)),
      seconds: fmt(s.seconds, 1),
    })),
  });
}
if (selectorRows.length) {
  sections.push({
    title: 'Selectors: 1,000,000 picks among 10,000 credentials (ratio to a first-candidate baseline)',
    rows: selectorRows.map((r) => ({
      selector: r.name,
      'picks/s': fmt(r.picksPerSecond),
      '× baseline': ratio(r.ratio),
    })),
  });
}
if (ONLY.has('translate')) {
  const rows = translateRows();
  sections.push({
    title: 'Translation (bench/translate.bench.ts)',
    rows: rows.length ? rows : [{ result: translateNote || JSON.stringify(translateResult) }],
  });
}
const budgetRows = budgets();
if (loadRows.length || firstByteRows.length || streamRows.length) {
  sections.push({
    title: 'Budgets',
    rows: budgetRows.map((b) => ({ budget: b.budget, measured: b.measured, '✓/✗': mark(b.ok) })),
  });
}

for (const section of sections) {
  console.log(`\n${section.title}`);
  console.table(section.rows);
}
for (const note of notes) console.log(`note: ${note}`);

const loadAtEnd = load1();
console.log(`\n1-minute load average: ${loadAtStart} at start, ${loadAtEnd} at the end`);
const results = {
  date: started.toISOString(),
  node: process.version,
  machine,
  loadAverage: { start: Number(loadAtStart), end: Number(loadAtEnd) },
  settings: { seconds: SECONDS, runs: RUNS, warmupSeconds: WARMUP, connections: CONNECTIONS, streams: STREAMS },
  load: loadRows,
  firstByte: firstByteRows,
  slowStreams: streamRows,
  selectors: selectorRows,
  translate: translateResult ?? translateNote,
  budgets: budgetRows,
  notes,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);

if (WRITE_DOCS) {
  const doc = new URL('../docs/benchmarks.md', import.meta.url);
  const START = '<!-- bench:results:start -->';
  const END = '<!-- bench:results:end -->';
  const block = [
    START,
    `Last run: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${machine}; 1-minute load average ${loadAtStart} at start, ${loadAtEnd} at the end.`,
    `Load: ${RUNS} × ${SECONDS} s per scenario and connection count (median), ${WARMUP} s warm-up.`,
    '',
    ...sections.flatMap((s) => [`### ${s.title}`, '', markdownTable(s.rows), '']),
    ...(notes.length ? [...notes.map((n) => `- ${n}`), ''] : []),
    END,
  ].join('\n');
  const current = existsSync(doc) ? readFileSync(doc, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  const next =
    from === -1 || to === -1
      ? `${current.trimEnd()}\n\n${block}\n`
      : `${current.slice(0, from)}${block}${current.slice(to + END.length)}`;
  writeFileSync(doc, next);
  console.log(`\ndocs/benchmarks.md updated (${ROOT}docs/benchmarks.md)`);
}
