// The built CLI's `switchyard import vertex`: the command reaches the function tested in
// test/config/vertex-import.test.ts, with its exit codes and help.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';
import { runCli } from './gateway.js';

let fake: FakeVertex;
let dir: string;

beforeAll(async () => {
  fake = await startFakeVertex();
  dir = await mkdtemp(join(tmpdir(), 'switchyard-import-cli-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('switchyard import vertex (the built CLI)', () => {
  it('lists the command in the help', async () => {
    expect((await runCli(['--help'])).stdout).toContain('switchyard import vertex <key.json>');
    const help = await runCli(['import', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['-c, --config', '--id', '--project', '--location', '--base-url', '--label']) {
      expect(help.stdout).toContain(option);
    }
  });

  it('saves the service account in the auth directory with mode 0600, and exits 2 on bad usage', async () => {
    const key = join(dir, 'sa.json');
    await writeFile(key, JSON.stringify(fake.serviceAccountKey));
    const config = join(dir, 'config.yaml');
    await writeFile(config, `auth-dir: ${JSON.stringify(join(dir, 'auths'))}\n`);
    const result = await runCli(['import', 'vertex', key, '--config', config, '--id', 'vx-cli', '--location', 'eu']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^added vx-cli \(vertex, switchyard@acme-prod/);
    const file = join(dir, 'auths', 'vertex', 'vx-cli.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.baseUrl).toBe('https://aiplatform.eu.rep.googleapis.com');
    expect(saved.apiKey).toBe(fake.serviceAccountKey.private_key);
    expect((await runCli(['import', 'openai', key])).code).toBe(2);
  });
});
