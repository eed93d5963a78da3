// `switchyard serve` as CLI users run it: the built CLI (dist/cli/switchyard.js) in its own process,
// started from a YAML file with one client key and one OpenAI-compatible credential pointed at the fake
// upstream (BENCH_UPSTREAM), on its defaults otherwise (access log at info, the usage ledger in local
// files, credentials in an auth directory). This process only starts it, reports its port to the bench
// and stops it; memory reports are of this wrapper, so the RSS scenarios use the in-process server.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_CLIENT_KEY, serveChild } from './ipc.js';

const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:1';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-serve-'));
const config = join(dir, 'config.yaml');
writeFileSync(
  config,
  [
    'host: 127.0.0.1',
    'port: 0',
    'api-keys:',
    `  - ${BENCH_CLIENT_KEY}`,
    'openai-compatibility:',
    '  - name: bench',
    `    base-url: ${upstream}/v1`,
    '    api-key-entries:',
    '      - api-key: sk-fake-openai',
    '    models:',
    '      - name: gpt-4o-mini',
    // BENCH_SERVE_YAML: more top-level YAML, to see what one default costs (e.g. `usage: { sink: memory }`).
    process.env.BENCH_SERVE_YAML ?? '',
    '',
  ].join('\n'),
);

// BENCH_SERVE_CLI: another build's CLI (the A/B baseline of scenario 3c0).
const cli = process.env.BENCH_SERVE_CLI ?? fileURLToPath(new URL('../../dist/cli/switchyard.js', import.meta.url));
const child: ChildProcess = spawn(
  process.execPath,
  // BENCH_SERVE_ARGS: more CLI arguments (e.g. `--log-level warn`); BENCH_SERVE_NODE_FLAGS: node's own.
  [
    ...(process.env.BENCH_SERVE_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    cli,
    'serve',
    '--config',
    config,
    ...(process.env.BENCH_SERVE_ARGS?.split(' ').filter(Boolean) ?? []),
  ],
  {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);

const port = await new Promise<number>((resolve, reject) => {
  let banner = '';
  const onData = (chunk: Buffer) => {
    banner += chunk.toString('utf8');
    const match = /switchyard listening on https?:\/\/[^:\s]+:(\d+)/.exec(banner);
    if (match) {
      // The access log keeps coming on stdout; read it away so the pipe never fills.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve(Number(match[1]));
    }
  };
  child.stdout?.on('data', onData);
  child.once('exit', (code) => reject(new Error(`switchyard serve exited with ${code} before it listened`)));
});

serveChild(port, async () => {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
});
