// The key-rotation proxy on a large body: one upload (POST) and one download (GET) of BENCH_PROXY_MB
// megabytes each, straight to the fake service, through the floor proxy (bench/servers/floor.ts) and
// through `switchyard serve`'s /proxy/{service}/ route, and the throughput of each. The budget: the
// proxy moves a large body within 20% of the floor (ratio ≥ 0.8).
//
//   node --import tsx bench/proxy-body.ts
//   BENCH_PROXY_MB=256 (default) BENCH_PROXY_RUNS=3 (median) BENCH_PROXY_MB=16 for a quick check
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { type Child, median, startChild } from './harness.js';
import { BENCH_CLIENT_KEY } from './servers/ipc.js';

const MB = 1024 * 1024;
const SIZE = Math.max(1, Number(process.env.BENCH_PROXY_MB ?? 256)) * MB;
const RUNS = Math.max(1, Math.round(Number(process.env.BENCH_PROXY_RUNS ?? 3)));
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });

async function* generate(total: number): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += CHUNK.byteLength) {
    yield total - sent >= CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, total - sent);
  }
}

/** Seconds to upload SIZE bytes to `url`, checking the service got them all. */
async function upload(url: string): Promise<number> {
  const started = performance.now();
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
    body: Readable.from(generate(SIZE), { objectMode: false }),
    dispatcher,
  });
  const answer = (await res.body.json()) as { bytes?: number };
  if (res.statusCode !== 200 || answer.bytes !== SIZE) {
    throw new Error(`upload to ${url}: status ${res.statusCode}, ${JSON.stringify(answer)}`);
  }
  return (performance.now() - started) / 1000;
}

/** Seconds to download SIZE bytes from `url`, counting them. */
async function download(url: string): Promise<number> {
  const started = performance.now();
  const res = await request(`${url}?bytes=${SIZE}`, {
    headers: { authorization: `Bearer ${BENCH_CLIENT_KEY}` },
    dispatcher,
  });
  let got = 0;
  for await (const chunk of res.body) got += (chunk as Buffer).byteLength;
  if (res.statusCode !== 200 || got !== SIZE)
    throw new Error(`download from ${url}: status ${res.statusCode}, ${got} bytes`);
  return (performance.now() - started) / 1000;
}

interface Target {
  label: string;
  upload: string;
  download: string;
  child?: Child;
}

const children: Child[] = [];
try {
  const upstream = await startChild('bulk-upstream', { entry: 'bench/servers/bulk-upstream.ts' });
  children.push(upstream);
  const env = { BENCH_UPSTREAM: upstream.url };
  const floor = await startChild('floor', { entry: 'bench/servers/floor.ts', env });
  children.push(floor);
  const switchyard = await startChild('switchyard-proxy', {
    entry: 'bench/servers/switchyard-proxy.ts',
    env,
    ...(process.env.BENCH_PROXY_PROFILE
      ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROXY_PROFILE}`] }
      : {}),
  });
  children.push(switchyard);
  const targets: Target[] = [
    { label: 'direct', upload: `${upstream.url}/upload`, download: `${upstream.url}/download` },
    { label: 'floor proxy', upload: `${floor.url}/upload`, download: `${floor.url}/download`, child: floor },
    {
      label: 'switchyard /proxy',
      upload: `${switchyard.url}/proxy/bulk/upload`,
      download: `${switchyard.url}/proxy/bulk/download`,
      child: switchyard,
    },
  ];
  const results = new Map<string, { up: number[]; down: number[]; peakMb: number }>();
  for (const t of targets) results.set(t.label, { up: [], down: [], peakMb: 0 });
  // Rounds interleave the targets, so drift on the machine is shared by all of them.
  for (let run = 0; run < RUNS; run++) {
    for (const t of targets) {
      t.child?.memReset();
      const r = results.get(t.label)!;
      r.up.push(SIZE / MB / (await upload(t.upload)));
      r.down.push(SIZE / MB / (await download(t.download)));
      if (t.child) {
        const mem = await t.child.memReport();
        r.peakMb = Math.max(r.peakMb, (mem.peakRss - mem.baselineRss) / MB);
      }
      process.stderr.write(`  run ${run + 1}/${RUNS} ${t.label}: done\n`);
    }
  }
  const floorUp = median(results.get('floor proxy')!.up);
  const floorDown = median(results.get('floor proxy')!.down);
  const rows = targets.map((t) => {
    const r = results.get(t.label)!;
    const up = median(r.up);
    const down = median(r.down);
    return {
      target: t.label,
      'upload MB/s': up.toFixed(0),
      'download MB/s': down.toFixed(0),
      '× floor up': t.label === 'direct' ? '—' : (up / floorUp).toFixed(2),
      '× floor down': t.label === 'direct' ? '—' : (down / floorDown).toFixed(2),
      'peak RSS growth MB': t.child ? r.peakMb.toFixed(0) : '—',
    };
  });
  console.log(`\nlarge body through the proxy: ${SIZE / MB} MB each way, median of ${RUNS}`);
  console.table(rows);
  const sy = results.get('switchyard /proxy')!;
  const ratio = Math.min(median(sy.up) / floorUp, median(sy.down) / floorDown);
  console.log(
    `budget: switchyard ≥ 0.80× the floor both ways — ${ratio >= 0.8 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×)`,
  );
} finally {
  for (const child of children.reverse()) await child.stop().catch(() => undefined);
  await dispatcher.close();
}
