// The small protocol between bench/run.ts and its child processes: a child announces its port with
// `{ type: 'ready', port }`, answers `{ type: 'mem-reset' }` / `{ type: 'mem-report' }` (RSS sampling),
// and exits on `{ type: 'stop' }` or when the parent goes away.

/** The client key switchyard accepts in the benchmarks. */
export const BENCH_CLIENT_KEY = 'sk-bench-client';

/** Messages the parent sends to a child. */
export type ParentMessage = { type: 'stop' } | { type: 'mem-reset' } | { type: 'mem-report' };

/** Messages a child sends to the parent. */
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'mem'; baselineRss: number; peakRss: number; rss: number };

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Wires a child: reports `port`, samples RSS on request, and exits on `stop` or a lost parent.
 * `close` runs before exiting (so `--cpu-prof` writes its profile on a normal exit).
 */
export function serveChild(port: number, close: () => Promise<void> | void): void {
  let baselineRss = process.memoryUsage.rss();
  let peakRss = baselineRss;
  let sampler: NodeJS.Timeout | undefined;
  const exit = async () => {
    if (sampler) clearInterval(sampler);
    const force = setTimeout(() => process.exit(0), 2_000);
    force.unref();
    try {
      await close();
    } finally {
      process.exit(0);
    }
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void exit();
    else if (message.type === 'mem-reset') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      baselineRss = process.memoryUsage.rss();
      peakRss = baselineRss;
      if (sampler) clearInterval(sampler);
      sampler = setInterval(() => {
        const rss = process.memoryUsage.rss();
        if (rss > peakRss) peakRss = rss;
      }, 20);
    } else if (message.type === 'mem-report') {
      const rss = process.memoryUsage.rss();
      if (rss > peakRss) peakRss = rss;
      if (sampler) clearInterval(sampler);
      sampler = undefined;
      send({ type: 'mem', baselineRss, peakRss, rss });
    }
  });
  process.on('disconnect', () => void exit());
  send({ type: 'ready', port });
}

/** The port a listening server got. */
export function portOf(address: unknown): number {
  if (typeof address === 'object' && address !== null && 'port' in address && typeof address.port === 'number') {
    return address.port;
  }
  throw new Error(`not listening on a TCP port: ${String(address)}`);
}
