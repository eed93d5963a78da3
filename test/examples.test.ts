import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = resolve(ROOT, 'node_modules/tsx/dist/cli.mjs');

/** Each example with SMOKE=1 starts, asks itself one question (or a few), prints the replies and exits. */
const EXAMPLES: Array<[file: string, ...replies: string[]]> = [
  ['node-http.ts', 'reply: Mock reply to: hello from node-http'],
  ['express-server.ts', 'reply: Mock reply to: hello from express'],
  ['hono-server.ts', 'reply: Mock reply to: hello from hono'],
  ['fastify-server.ts', 'reply: Mock reply to: hello from fastify'],
  [
    'custom-executor.ts',
    'reply: HELLO FROM CUSTOM-EXECUTOR (end_turn)',
    'stream: HELLO FROM CUSTOM-EXECUTOR (end_turn)',
  ],
  ['translate-only.ts', 'reply: Hi! (end_turn)'],
];

const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

function run(file: string, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    // Run from the package root so `switchyard`, `switchyard/http`, ... resolve to the build by name.
    const child = spawn(process.execPath, [TSX, resolve(ROOT, 'examples', file)], {
      cwd: ROOT,
      env: { ...process.env, SMOKE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
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
      fail(new Error(`${file} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      done({ code, stdout, stderr });
    });
  });
}

describe('examples/ (SMOKE=1)', () => {
  for (const [file, ...replies] of EXAMPLES) {
    it(`${file} answers itself and exits 0`, { timeout: 30_000 }, async () => {
      const { code, stdout, stderr } = await run(file);
      expect(stderr).not.toMatch(/Error/);
      for (const reply of replies) expect(stdout).toContain(reply);
      expect(code).toBe(0);
    });
  }
});
