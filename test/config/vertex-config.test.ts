import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromConfig, fromConfig, parseConfig } from '../../src/config/index.js';
import { maskConfigText } from '../../src/config/mask-config.js';
import { SwitchyardError } from '../../src/core/errors.js';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';

let fake: FakeVertex;
let dir: string;

beforeAll(async () => {
  fake = await startFakeVertex();
  dir = await mkdtemp(join(tmpdir(), 'switchyard-vertex-config-'));
  await writeFile(join(dir, 'sa.json'), JSON.stringify(fake.serviceAccountKey), { mode: 0o600 });
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected a refusal');
}

const yaml = (...lines: string[]) => lines.join('\n');

describe('the vertex section', () => {
  it('refuses an entry with no credential, or with two, naming the entry and the keys', () => {
    expect(refusal(() => parseConfig(yaml('vertex:', '  - project: p', '    location: us-east5'), 'c.yaml'))).toMatch(
      /vertex\.0.*needs one of service-account-file, service-account or api-key/,
    );
    const both = refusal(() =>
      parseConfig(yaml('vertex:', '  - service-account-file: sa.json', '    api-key: AQ.key'), 'c.yaml'),
    );
    expect(both).toMatch(/vertex\.0\.api-key.*give only one of/);
    expect(both).toContain('service-account-file and api-key');
  });

  it('refuses a bad location, an unknown publisher and an unknown key with their paths', () => {
    expect(refusal(() => parseConfig(yaml('vertex:', '  - api-key: k', '    location: US Central'), 'c.yaml'))).toMatch(
      /vertex\.0\.location.*must be a location id/,
    );
    expect(
      refusal(() =>
        parseConfig(
          yaml('vertex:', '  - api-key: k', '    models:', '      - name: m', '        publisher: meta'),
          'c.yaml',
        ),
      ),
    ).toMatch(/vertex\.0\.models\.0\.publisher/);
    expect(refusal(() => parseConfig(yaml('vertex:', '  - api-key: k', '    region: x'), 'c.yaml'))).toMatch(
      /vertex\.0.*region/,
    );
  });

  it('refuses an unreadable key file or an inline key that is not a service account, never quoting the key', () => {
    const missing = parseConfig(yaml('vertex:', '  - service-account-file: nope.json'), 'c.yaml').config;
    expect(refusal(() => credentialsFromConfig(missing, {}, dir))).toMatch(
      /vertex\.0\.service-account-file: cannot read .*nope\.json \(ENOENT\)/,
    );
    const inline = {
      vertex: [{ 'service-account': { ...fake.serviceAccountKey, client_email: undefined } as never }],
    };
    const message = refusal(() => credentialsFromConfig(inline, {}, dir));
    expect(message).toMatch(/vertex\.0\.service-account has an invalid client_email/);
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('builds credentials from a key file relative to the config, inline JSON and an API key', () => {
    const { config } = parseConfig(
      yaml(
        'vertex:',
        '  - service-account-file: sa.json',
        '    location: us-east5',
        '    models:',
        '      - name: claude-sonnet-4-5@20250929',
        '        alias: sonnet',
        '      - name: tuned-model',
        '        publisher: anthropic',
        '  - id: vertex-inline',
        `    service-account: ${JSON.stringify(JSON.stringify(fake.serviceAccountKey))}`,
        '    project: other-project',
        '  - api-key: AQ.express-key',
      ),
      'c.yaml',
    );
    const [file, inline, express] = credentialsFromConfig(config, {}, dir).credentials;
    expect(file).toMatchObject({
      provider: 'vertex',
      kind: 'oauth',
      baseUrl: 'https://us-east5-aiplatform.googleapis.com',
      apiKey: fake.serviceAccountKey.private_key,
      models: [{ name: 'claude-sonnet-4-5@20250929', alias: 'sonnet' }, { name: 'tuned-model' }],
      metadata: { vertex: { project: 'acme-prod', location: 'us-east5', publishers: { 'tuned-model': 'anthropic' } } },
    });
    expect(file!.id).toMatch(/^vertex-[0-9a-z]{8}$/);
    expect(file!.id).not.toContain(fake.serviceAccountKey.private_key.slice(30, 40));
    expect(inline).toMatchObject({ id: 'vertex-inline', metadata: { vertex: { project: 'other-project' } } });
    expect(express).toMatchObject({ apiKey: 'AQ.express-key', baseUrl: 'https://aiplatform.googleapis.com' });
    expect(express!.kind).toBeUndefined();
    expect(express!.metadata).toEqual({ vertex: { location: 'global' } });
  });

  it('masks an inline service-account key, as JSON text or as a mapping, where the config is shown', () => {
    const body = fake.serviceAccountKey.private_key.split('\n')[1]!;
    const asText = maskConfigText(
      yaml('vertex:', `  - service-account: ${JSON.stringify(JSON.stringify(fake.serviceAccountKey))}`),
    );
    expect(asText).not.toContain(body);
    const asMap = maskConfigText(
      yaml(
        'vertex:',
        '  - service-account:',
        '      type: service_account',
        `      private_key: ${JSON.stringify(fake.serviceAccountKey.private_key)}`,
      ),
    );
    expect(asMap).not.toContain(body);
    expect(asMap).toContain('type: service_account');
  });

  it('serves a vertex entry of a config file through fromConfig, with one token for the service account', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(
      path,
      yaml(
        `auth-dir: ${JSON.stringify(join(dir, 'auths'))}`,
        'vertex:',
        '  - id: vertex-prod',
        '    service-account-file: ./sa.json',
        '    location: us-east5',
        `    base-url: ${fake.url}`,
        '    models:',
        '      - name: gemini-2.5-flash',
        '        alias: flash',
        '      - name: claude-sonnet-4-5@20250929',
        '        alias: sonnet',
        '',
      ),
    );
    const app = await fromConfig(path, { env: {}, watch: false });
    try {
      expect(app.manager.credentials().map((c) => [c.id, c.provider])).toEqual([['vertex-prod', 'vertex']]);
      for (const model of ['flash', 'sonnet']) {
        const result = await app.manager.execute({
          dialect: 'openai-chat',
          body: { model, messages: [{ role: 'user', content: 'hi' }] },
        });
        expect(result.status).toBe(200);
      }
      expect(fake.tokenCalls).toHaveLength(1);
      expect(fake.requests.filter((r) => r.path.startsWith('/v1/')).map((r) => r.path)).toEqual([
        '/v1/projects/acme-prod/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent',
        '/v1/projects/acme-prod/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
      ]);
    } finally {
      await app.close();
    }
  });
});
