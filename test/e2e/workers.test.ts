import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Gateway, runCli, startGateway, stopAllGateways, waitUntil } from './gateway.js';

// `switchyard serve --workers N` (node:cluster), through the built CLI: `npm run build` first.

const WARNING = 'workers without Redis';

afterAll(async () => {
  await stopAllGateways();
});

/** One chat call on a connection of its own (the cluster's primary hands connections out in turn). */
function chat(url: string, model = 'mock-model'): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/v1/chat/completions`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The pids the banner lists for the workers. */
function bannerPids(gateway: Gateway): number[] {
  const match = /workers: {5}(\d+) \(node:cluster; pids ([\d, ]+)\)/.exec(gateway.stdout());
  if (!match) throw new Error(`no workers line in the banner:\n${gateway.stdout()}`);
  return match[2]!.split(', ').map(Number);
}

/** The worker index and pid of every access-log line so far. */
function servedBy(gateway: Gateway): Array<{ worker: number; pid: number }> {
  const out: Array<{ worker: number; pid: number }> = [];
  for (const line of gateway.stderr().split('\n')) {
    const match = / request requestId=.* worker=(\d+) pid=(\d+)$/.exec(line);
    if (match) out.push({ worker: Number(match[1]), pid: Number(match[2]) });
  }
  return out;
}

describe('switchyard serve --workers', () => {
  it('serves one port from two worker processes, warns once about per-worker state, writes a usage file per worker', async () => {
    const gateway = await startGateway({ mock: true }, ['--workers', '2']);
    const pids = bannerPids(gateway);
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(gateway.child.pid);
    expect(gateway.stderr().split(WARNING).length - 1).toBe(1);
    expect(gateway.stderr()).toContain('set redis.url');

    for (let i = 0; i < 8; i++) expect((await chat(gateway.url)).status).toBe(200);
    await waitUntil(() => servedBy(gateway).length >= 8);
    const seen = servedBy(gateway);
    expect(new Set(seen.map((s) => s.pid))).toEqual(new Set(pids));
    expect(new Set(seen.map((s) => s.worker))).toEqual(new Set([1, 2]));

    // Each worker appends to its own file in the shared usage directory (flushed within a second).
    const usageDir = join(gateway.configPath, '..', 'usage');
    await waitUntil(() => existsSync(join(usageDir, 'usage.w1.jsonl')) && existsSync(join(usageDir, 'usage.w2.jsonl')));
    expect(readdirSync(usageDir).filter((n) => n === 'usage.jsonl')).toEqual([]);
    await gateway.stop();
  }, 30_000);

  it('offers no OAuth logins through the management API with several workers, and says so in the banner', async () => {
    const secret = 'mgmt-secret-for-workers';
    const profile = {
      issuer: 'http://127.0.0.1:9/issuer',
      'client-id': 'switchyard-test',
      flow: 'device',
      provider: 'openai',
      'base-url': 'http://127.0.0.1:9/v1',
    };
    const config = { mock: true, 'remote-management': { 'secret-key': secret }, 'oauth-profiles': { corp: profile } };
    const several = await startGateway(config, ['--workers', '2']);
    expect(several.stdout()).toContain('oauth:       logins by switchyard login <profile> only');
    const auth = { authorization: `Bearer ${secret}`, connection: 'close', 'content-type': 'application/json' };
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${several.url}/v0/management/oauth/profiles`, { headers: auth });
      expect(await res.json()).toEqual({ profiles: [] });
      const start = await fetch(`${several.url}/v0/management/oauth/flows`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ profile: 'corp' }),
      });
      expect(start.status).toBe(404);
    }
    await several.stop();
    // One process holds its logins itself: the routes are there.
    const one = await startGateway(config);
    const res = await fetch(`${one.url}/v0/management/oauth/profiles`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { profiles: Array<{ name: string }> }).profiles.map((p) => p.name)).toEqual(['corp']);
    await one.stop();
  }, 30_000);

  it('restarts a worker that was killed, and keeps serving on the port', async () => {
    const gateway = await startGateway({ mock: true }, ['--workers', '2']);
    const [, victim] = bannerPids(gateway);
    process.kill(victim!, 'SIGKILL');
    await waitUntil(() => /worker restarted restartedWorker=2 newPid=\d+/.test(gateway.stderr()), 10_000);
    expect(gateway.stderr()).toMatch(
      /worker exited; restarting it exitedWorker=2 exitedPid=\d+ code=null signal=SIGKILL/,
    );
    const newPid = Number(/worker restarted restartedWorker=2 newPid=(\d+)/.exec(gateway.stderr())![1]);
    expect(newPid).not.toBe(victim);
    for (let i = 0; i < 6; i++) expect((await chat(gateway.url)).status).toBe(200);
    await waitUntil(() => servedBy(gateway).some((s) => s.pid === newPid));
    expect(gateway.child.exitCode).toBeNull();
    await gateway.stop();
  }, 30_000);

  it('backs off between restarts of a worker that keeps failing, and recovers once it can start', async () => {
    const gateway = await startGateway({ mock: true }, ['--workers', '2']);
    const [, victim] = bannerPids(gateway);
    // A broken edit: the running workers refuse it and keep serving, but a new worker cannot start.
    writeFileSync(gateway.configPath, 'mock: true\nno-such-key: 1\n');
    await waitUntil(() => gateway.stderr().includes('config edit refused'), 5_000);
    process.kill(victim!, 'SIGKILL');
    await waitUntil(() => /restartInMs=1000 crashesInARow=3/.test(gateway.stderr()), 10_000);
    const delays = [...gateway.stderr().matchAll(/exitedWorker=2 .*restartInMs=(\d+)/g)].map((m) => Number(m[1]));
    expect(delays.slice(0, 3)).toEqual([250, 500, 1000]);
    expect((await chat(gateway.url)).status).toBe(200);
    gateway.writeConfig({ mock: true });
    await waitUntil(() => /worker restarted restartedWorker=2/.test(gateway.stderr()), 10_000);
    await gateway.stop();
  }, 30_000);

  it('drains every worker on SIGTERM (an in-flight call finishes) and exits 0', async () => {
    // One credential whose answers take 1.5 s, so a call is in flight when the signal comes.
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-workers-'));
    try {
      mkdirSync(join(dir, 'mock'), { recursive: true });
      writeFileSync(
        join(dir, 'mock', 'slow.json'),
        JSON.stringify({ id: 'slow', provider: 'mock', metadata: { mock: { latencyMs: 1_500 } } }),
      );
      const gateway = await startGateway({ 'auth-dir': dir }, ['--workers', '2']);
      const inFlight = chat(gateway.url);
      await new Promise((r) => setTimeout(r, 300));
      gateway.child.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('chat.completion');
      expect(await gateway.exited).toBe(0);
      expect(gateway.stderr()).toMatch(/stopping: every worker drains its in-flight requests signal=SIGTERM/);
      expect(gateway.stderr().match(/stopping: no new connections/g)).toHaveLength(2);
      await gateway.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('takes workers: from the config file, the flag winning over it', async () => {
    const fromFile = await startGateway({ mock: true, workers: 2 });
    expect(bannerPids(fromFile)).toHaveLength(2);
    await fromFile.stop();
    const gateway = await startGateway({ mock: true, workers: 3 }, ['--workers', '2']);
    expect(bannerPids(gateway)).toHaveLength(2);
    await gateway.stop();
    // --workers 1 is the single process: no primary, no workers line.
    const single = await startGateway({ mock: true, workers: 3 }, ['--workers', '1']);
    expect(single.stdout()).not.toContain('workers:');
    expect(single.stderr()).not.toContain(WARNING);
    await single.stop();
  }, 30_000);

  it('refuses a --workers value that is not a positive whole number or auto', async () => {
    for (const value of ['0', '-1', 'abc', '1.5', '']) {
      const result = await runCli(['serve', `--workers=${value}`, '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--workers must be a whole number of processes from 1 to 1024, or "auto"');
      expect(result.stdout).not.toContain('listening');
    }
  }, 30_000);

  it('exits with the code of a worker that cannot start, reporting its reason once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-workers-'));
    try {
      const config = join(dir, 'config.yaml');
      writeFileSync(config, `mock: true\nauth-dir: ${join(dir, 'auths')}\n`);
      // No client keys on a non-loopback address: every worker would refuse; the first one says so.
      const result = await runCli(['serve', '-c', config, '--workers', '2', '--host', '0.0.0.0', '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr.match(/refusing to listen on 0\.0\.0\.0 without client keys/g)).toHaveLength(1);
      expect(result.stdout).not.toContain('listening');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses workers: 0 in the config file with the key named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-workers-'));
    try {
      const config = join(dir, 'config.yaml');
      writeFileSync(config, `mock: true\nworkers: 0\nauth-dir: ${join(dir, 'auths')}\n`);
      const result = await runCli(['serve', '-c', config, '--port', '0']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'workers (line 2): must be a whole number of processes from 1 to 1024, or "auto"',
      );
      expect(result.stdout).not.toContain('listening');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
