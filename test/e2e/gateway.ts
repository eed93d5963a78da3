import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

/** The built CLI (`npm test` builds first). */
export const CLI = resolve(import.meta.dirname, '../../dist/cli/switchyard.js');

/** A `switchyard serve` child process. */
export interface Gateway {
  /** `http://127.0.0.1:<port>` read from the CLI's "listening on" line. */
  readonly url: string;
  readonly child: ChildProcess;
  /** The config file the gateway watches. */
  readonly configPath: string;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Rewrites the config file in place (no rename), as an editor saving it would. */
  writeConfig(config: Record<string, unknown>): void;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<Gateway>();

/** Environment without provider keys, so only the config's credentials exist. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY']) delete env[name];
  return env;
}

/** Runs the CLI with `args` to completion (for `--help`), bounded by `timeoutMs`. */
export function runCli(
  args: string[],
  timeoutMs = 10_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Writes `config` as YAML into a fresh temporary directory (with its own `auth-dir`) and starts
 * `switchyard serve --config <file> --port 0` there, resolving once the CLI printed its address.
 */
export async function startGateway(
  config: Record<string, unknown>,
  extraArgs: string[] = [],
  timeoutMs = 15_000,
): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const configPath = join(dir, 'config.yaml');
  const withAuthDir = (c: Record<string, unknown>) => ({ 'auth-dir': join(dir, 'auths'), ...c });
  writeFileSync(configPath, stringify(withAuthDir(config)));
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--config', configPath, '--host', '127.0.0.1', '--port', '0', ...extraArgs],
    { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard did not start within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /switchyard listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  let stopping: Promise<number | null> | undefined;
  const gateway: Gateway = {
    url,
    child,
    configPath,
    exited,
    stdout: () => out,
    stderr: () => err,
    writeConfig(next) {
      writeFileSync(configPath, stringify(withAuthDir(next)));
    },
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        running.delete(gateway);
        rmSync(dir, { recursive: true, force: true });
        return child.exitCode;
      })();
      return stopping;
    },
  };
  running.add(gateway);
  return gateway;
}

/** Stops every gateway still running (for afterAll). */
export async function stopAllGateways(): Promise<void> {
  await Promise.all([...running].map((g) => g.stop(2_000)));
}

/** Polls `check` every 20 ms until it returns true, or throws after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
