// Profiles the switchyard server process under one bench scenario and prints where its CPU time goes.
//
//   node --import tsx bench/profile.ts                       # scenario 3 at 50 connections, 10 s
//   BENCH_PROFILE_SCENARIO=5 BENCH_PROFILE_CONNECTIONS=1 node --import tsx bench/profile.ts
//   node --import tsx bench/profile.ts path/to/file.cpuprofile   # only summarise an existing profile
//
// The server runs with `node --cpu-prof` (profiles land in bench/results/profiles/); the summary lists
// the top frames by self time, the top switchyard frames by inclusive time, and time per area.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Call, load, once, ROOT, startChild } from './harness.js';
import { BENCH_CLIENT_KEY } from './servers/ipc.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const repo = url.indexOf(ROOT.replace(/\/$/, ''));
  let out = repo === -1 ? url : url.slice(repo + ROOT.length - 1);
  out = out.replace(/^file:\/\//, '').replace(/^\//, '');
  const nm = out.lastIndexOf('node_modules/');
  return nm === -1 ? out : out.slice(nm + 'node_modules/'.length);
}

function frameKey(frame: CallFrame): string {
  const where = shortUrl(frame.url);
  // tsx-compiled sources have no useful line numbers.
  const line = where.startsWith('src/') || !where ? '' : `:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where ? ` ${where}${line}` : ''}`;
}

function area(frame: CallFrame): string {
  const url = shortUrl(frame.url);
  if (!url) return frame.functionName || '(native)';
  const src = /^src\/([^/]+)(?:\/([^/]+))?/.exec(url);
  if (src) return `switchyard src/${src[1]}${src[2]?.endsWith('.ts') === false ? `/${src[2]}` : ''}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const pkg = /^(@[^/]+\/[^/]+|[^/]+)/.exec(url);
  return pkg ? `package ${pkg[1]}` : url;
}

/** Prints the summary of one .cpuprofile. */
export function summarise(file: string, top = 25): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    total += delta;
    if (node.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + delta);
    const a = area(node.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + delta);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame || !shortUrl(frame.url).startsWith('src/')) continue;
      const k = frameKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + delta);
    }
  });
  const busy = total - idle;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1)}%`;
  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([frame, ms]) => ({ frame, ms: ms.toFixed(0), 'of busy': pct(ms) }));
  console.log(
    `\n${file}\nsampled ${total.toFixed(0)} ms, busy ${busy.toFixed(0)} ms (${pct(busy)} of busy… idle ${idle.toFixed(0)} ms)`,
  );
  console.log(`\nTop ${top} frames by self time`);
  console.table(rows(self, top));
  console.log('\nTime per area (self time)');
  console.table(rows(areas, 20));
  console.log('\nTop switchyard frames by inclusive time');
  console.table(rows(inclusive, 20));
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` };
const CALLS: Record<string, { adapter: string; call: Call; env?: Record<string, string> }> = {
  '3': {
    adapter: 'node',
    call: { path: '/v1/chat/completions', headers, body: JSON.stringify({ model: 'gpt-4o-mini', messages }) },
  },
  // Scenario 3 with the PostgreSQL ledger, metrics and traces on (BENCH_OBSERVE_PARTS picks some).
  '8': {
    adapter: 'node',
    call: { path: '/v1/chat/completions', headers, body: JSON.stringify({ model: 'gpt-4o-mini', messages }) },
    env: { BENCH_OBSERVE: '1' },
  },
  '4': {
    adapter: 'node',
    call: { path: '/v1/chat/completions', headers, body: JSON.stringify({ model: 'claude-sonnet-4-5', messages }) },
  },
  '5': {
    adapter: 'node',
    call: {
      path: '/v1/messages',
      headers: { 'content-type': 'application/json', 'x-api-key': BENCH_CLIENT_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', max_tokens: 64, messages, stream: true }),
    },
  },
  '3s': {
    adapter: 'node',
    call: {
      path: '/v1/chat/completions',
      headers,
      body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } }),
    },
  },
  '7e': {
    adapter: 'express',
    call: { path: '/llm/v1/chat/completions', headers, body: JSON.stringify({ model: 'gpt-4o-mini', messages }) },
  },
  '7h': {
    adapter: 'hono',
    call: { path: '/llm/v1/chat/completions', headers, body: JSON.stringify({ model: 'gpt-4o-mini', messages }) },
  },
};

async function profileScenario(): Promise<void> {
  const id = process.env.BENCH_PROFILE_SCENARIO ?? '3';
  const scenario = CALLS[id];
  if (!scenario) throw new Error(`BENCH_PROFILE_SCENARIO must be one of ${Object.keys(CALLS).join(', ')}`);
  const connections = Number(process.env.BENCH_PROFILE_CONNECTIONS ?? 50);
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
  // One folder per run: Node names the files itself, one per thread (the tsx loader runs in a worker).
  const dir = join(ROOT, 'bench/results/profiles', `switchyard-${id}-c${connections}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const upstream = await startChild('upstream', { entry: 'bench/servers/upstream.ts' });
  const server = await startChild('switchyard', {
    entry: 'bench/servers/switchyard.ts',
    env: { BENCH_UPSTREAM: upstream.url, BENCH_ADAPTER: scenario.adapter, ...scenario.env },
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  try {
    const check = await once(server.url, scenario.call);
    if (check.status !== 200) throw new Error(`scenario ${id}: status ${check.status} ${check.body.slice(0, 200)}`);
    await load(server.url, scenario.call, connections, 2);
    const result = await load(server.url, scenario.call, connections, seconds);
    console.log(
      `scenario ${id}, c=${connections}, ${seconds} s: ${result.requestsPerSecond.toFixed(0)} req/s, ` +
        `mean ${result.meanLatencyMs.toFixed(3)} ms, errors ${result.errors}`,
    );
  } finally {
    await server.stop();
    await upstream.stop();
  }
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: the main thread has id 0.
  const main = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.split('.')[4] === '0');
  if (!main) throw new Error(`no main-thread profile in ${dir}: ${readdirSync(dir).join(', ')}`);
  summarise(join(dir, main), Number(process.env.BENCH_PROFILE_TOP ?? 25));
}

const given = process.argv[2];
if (given) summarise(given, Number(process.env.BENCH_PROFILE_TOP ?? 25));
else await profileScenario();
