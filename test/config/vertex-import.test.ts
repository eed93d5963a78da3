// `switchyard import vertex <service-account.json>`: the command's function, run in-process against a
// file store (mode 0600) and a PostgreSQL store with secrets encrypted at rest; then the imported
// credential serves through fromConfig against the fake Vertex AI.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/cli/import-command.js';
import { fromConfig } from '../../src/config/index.js';
import { PostgresTokenStore } from '../../src/manager/stores/postgres/index.js';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';
import { dropSchema } from '../stores/cleanup.js';
import { describeWithServices, PG_DSN, probePostgres, runId } from '../stores/services.js';

const postgres = await probePostgres();
let fake: FakeVertex;
let dir: string;
let keyPath: string;

beforeAll(async () => {
  fake = await startFakeVertex();
  dir = await mkdtemp(join(tmpdir(), 'switchyard-vertex-import-'));
  keyPath = join(dir, 'sa.json');
  await writeFile(keyPath, JSON.stringify(fake.serviceAccountKey, null, 2), { mode: 0o600 });
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runImport(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err };
}

const privateBody = () => fake.serviceAccountKey.private_key.split('\n')[1]!;

describe('switchyard import vertex', () => {
  it('adds the service account to the auth directory, mode 0600, and the gateway serves it', async () => {
    const config = join(dir, 'config.yaml');
    const auths = join(dir, 'auths');
    await writeFile(config, `auth-dir: ${JSON.stringify(auths)}\n`);
    const result = await run([
      'vertex',
      keyPath,
      '--config',
      config,
      '--id',
      'vertex-imported',
      '--location',
      'us-east5',
      '--base-url',
      fake.url,
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('added vertex-imported (vertex, switchyard@acme-prod.iam.gserviceaccount.com');
    expect(result.out).not.toContain(privateBody());
    const file = join(auths, 'vertex', 'vertex-imported.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({
      id: 'vertex-imported',
      provider: 'vertex',
      kind: 'oauth',
      apiKey: fake.serviceAccountKey.private_key,
      oauth: { tokenUrl: fake.tokenUrl },
      metadata: { vertex: { project: 'acme-prod', location: 'us-east5' } },
    });

    const again = await run(['vertex', keyPath, '--config', config, '--id', 'vertex-imported', '--base-url', fake.url]);
    expect(again.out).toContain('replaced vertex-imported');

    const app = await fromConfig(config, { env: {}, watch: false });
    try {
      const answer = await app.manager.execute({
        dialect: 'anthropic-messages',
        body: { model: 'claude-sonnet-4-5@20250929', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(answer.status).toBe(200);
      expect(fake.last!.path).toBe(
        '/v1/projects/acme-prod/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
      );
    } finally {
      await app.close();
    }
  });

  it('refuses a file that is not a service-account key, and bad usage, without quoting the key', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...fake.serviceAccountKey, type: 'authorized_user' }));
    const refused = await run(['vertex', broken, '--config', join(dir, 'none.yaml')]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/broken\.json has an invalid type/);
    expect(refused.err).not.toContain(privateBody());
    expect((await run(['vertex', join(dir, 'missing.json')])).err).toMatch(/cannot read .*missing\.json \(ENOENT\)/);
    expect((await run(['bedrock', keyPath])).code).toBe(2);
    expect((await run(['vertex'])).code).toBe(2);
  });
});

describeWithServices('switchyard import vertex into PostgreSQL', [postgres], () => {
  const schema = runId('vimport');
  const admin = new pg.Pool({ connectionString: PG_DSN, max: 1 });
  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  it('stores the private key encrypted at rest when a secret key is configured', async () => {
    const config = join(dir, 'pg.yaml');
    await writeFile(
      config,
      `pgstore:\n  dsn: ${JSON.stringify(PG_DSN)}\n  schema: ${schema}\nsecret-key: import-test-secret\n`,
    );
    const result = await run(['vertex', keyPath, '--config', config]);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/^added vertex-acme-prod-[0-9a-z]{6} .* in PostgreSQL .*secrets encrypted/);
    const { rows } = await admin.query(`SELECT auth_id, data::text AS data FROM "${schema}"."switchyard_tokens"`);
    expect(rows).toHaveLength(1);
    expect(String(rows[0].data)).not.toContain(privateBody());
    expect(String(rows[0].data)).not.toContain('PRIVATE KEY');
    const store = new PostgresTokenStore(PG_DSN, { schema, secretKey: 'import-test-secret' });
    try {
      const [read] = await store.list();
      expect(read!.apiKey).toBe(fake.serviceAccountKey.private_key);
      expect(read!.provider).toBe('vertex');
    } finally {
      await store.close();
    }
  });
});
