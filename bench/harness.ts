// Plumbing of `npm run bench`: child processes that report their port over IPC, load runs with
// autocannon, time to first streamed byte, and many slow concurrent streams.
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import type { ChildMessage, ParentMessage } from './servers/ipc.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A server running in a child process. */
export interface Child {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  /** Resets the child's RSS baseline (after a GC when exposed) and starts tracking its peak. */
  memReset(): void;
  /** The RSS baseline and peak since the last reset, bytes. */
  memReport(): Promise<{ baselineRss: number; peakRss: number; rss: number }>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Script to run, relative to the repository root. */
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  /** Extra Node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** TypeScript preloads besides tsx. */
  preload?: string[];
}

/** Starts a server in a child process and waits for it to report its port. */
export async function startChild(name: string, options: ChildOptions): Promise<Child> {
  const execArgv = ['--import', 'tsx', '--expose-gc', ...(options.nodeFlags ?? [])];
  for (const file of options.preload ?? []) execArgv.push('--import', `./${file}`);
  const child: ChildProcess = fork(options.entry, options.args ?? [], {
    cwd: ROOT,
    execArgv,
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString('utf8');
  });
  const send = (message: ParentMessage) => {
    if (child.connected) child.send(message);
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 60 s\n${stderr}`));
    }, 60_000);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready\n${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    memReset: () => send({ type: 'mem-reset' }),
    memReport: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no memory report`)), 10_000);
        const onMessage = (message: ChildMessage) => {
          if (message.type !== 'mem') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        send({ type: 'mem-report' });
      }),
    async stop() {
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One HTTP call a scenario makes, again and again. */
export interface Call {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Mean time per request, ms: at one connection, wall time divided by requests (finer than autocannon's ms histogram). */
  meanLatencyMs: number;
  p99LatencyMs: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /**
   * CPU time (user + system) the server's process tree spent per request, µs; undefined off Linux.
   * Unlike req/s it barely moves when other work shares the machine, so it compares changes there.
   */
  cpuMicrosPerRequest?: number;
}

const TICK_MICROS = 10_000; // USER_HZ is 100 on Linux

/** CPU time of `pid` and its descendants so far, µs (from /proc); undefined when /proc is not there. */
export function treeCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields count from after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we read.
    }
  }
  let ticks = 0;
  for (const [id, stat] of stats) {
    for (let at: number | undefined = id; at !== undefined && at > 1; at = stats.get(at)?.parent) {
      if (at === pid) {
        ticks += stat.ticks;
        break;
      }
    }
  }
  return ticks * TICK_MICROS;
}

/** Runs autocannon against `origin` for `seconds`. */
export async function load(
  origin: string,
  call: Call,
  connections: number,
  seconds: number,
  pid?: number,
): Promise<LoadResult> {
  const cpuBefore = treeCpuMicros(pid);
  const result = await autocannon({
    url: `${origin}${call.path}`,
    method: 'POST',
    headers: call.headers,
    body: call.body,
    connections,
    duration: seconds,
    timeout: 10,
  });
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  const total = result.requests.total;
  const requestsPerSecond = total / elapsed;
  const cpuAfter = treeCpuMicros(pid);
  return {
    ...(cpuBefore !== undefined && cpuAfter !== undefined && total > 0
      ? { cpuMicrosPerRequest: (cpuAfter - cpuBefore) / total }
      : {}),
    requestsPerSecond,
    meanLatencyMs: total > 0 ? (elapsed * 1000 * connections) / total : Number.NaN,
    p99LatencyMs: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** Sends `call` once and returns status and body, to check a scenario answers what it should. */
export async function once(origin: string, call: Call): Promise<{ status: number; body: string }> {
  const res = await request(`${origin}${call.path}`, { method: 'POST', headers: call.headers, body: call.body });
  return { status: res.statusCode, body: await res.body.text() };
}

/**
 * Time to the first byte of a streamed answer's body at one connection: `count` requests one after
 * another on a kept-alive connection (after `warmup` more). Returns the samples in ms.
 */
export async function firstByte(origin: string, call: Call, count: number, warmup: number): Promise<number[]> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < warmup + count; i++) {
      const start = performance.now();
      const res = await request(`${origin}${call.path}`, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
        dispatcher,
      });
      let first = 0;
      for await (const chunk of res.body) {
        if (first === 0 && (chunk as Buffer).byteLength > 0) first = performance.now();
      }
      if (res.statusCode !== 200 || first === 0) throw new Error(`first byte: status ${res.statusCode}, no body`);
      if (i >= warmup) samples.push(first - start);
    }
  } finally {
    await dispatcher.close();
  }
  return samples;
}

export interface SlowStreamsResult {
  streams: number;
  errors: number;
  /** Most streams open (headers received, body not finished) at the same time. */
  peakOpen: number;
  seconds: number;
}

/**
 * Opens `count` streams at once (each one event per 100 ms upstream) and reads them to the end.
 * A stream is an error when it fails, answers non-200, or carries fewer events than `expectedEvents`.
 */
export async function slowStreams(
  origin: string,
  call: Call,
  count: number,
  expectedEvents: number,
): Promise<SlowStreamsResult> {
  const dispatcher = new Agent({ connections: count, keepAliveTimeout: 30_000, headersTimeout: 60_000 });
  let open = 0;
  let peakOpen = 0;
  let errors = 0;
  const start = performance.now();
  const one = async () => {
    let counted = false;
    try {
      const res = await request(`${origin}${call.path}`, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
        dispatcher,
      });
      counted = true;
      if (++open > peakOpen) peakOpen = open;
      const text = await res.body.text();
      if (res.statusCode !== 200 || countEvents(text) < expectedEvents) errors++;
    } catch {
      errors++;
    } finally {
      if (counted) open--;
    }
  };
  try {
    await Promise.all(Array.from({ length: count }, one));
  } finally {
    await dispatcher.close();
  }
  return { streams: count, errors, peakOpen, seconds: (performance.now() - start) / 1000 };
}

/** Server-sent events in a piece of a stream (counted by their `data:` lines). */
export function countEvents(text: string): number {
  let n = 0;
  for (let i = text.indexOf('data:'); i !== -1; i = text.indexOf('data:', i + 5)) n++;
  return n;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
