import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromConfig, fromConfig, parseConfig } from '../../src/config/index.js';
import { SwitchyardError } from '../../src/core/errors.js';
import { type FakeBedrock, startFakeBedrock } from '../fakes/fake-bedrock.js';
import { COHERE_EN, fakeCohereVector, startFakeBedrockEmbeddings, TITAN_V2 } from '../fakes/fake-bedrock-embeddings.js';
import { fakeVector } from '../fakes/fake-server.js';

function refusal(text: string): string {
  try {
    parseConfig(text, 'config.yaml', { env: {} });
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const KEYS = `bedrock:
  - id: aws-us
    region: us-east-1
    access-key-id: AKIAEXAMPLE
    secret-access-key: secret/EXAMPLE
    session-token: token-EXAMPLE
    endpoint: http://127.0.0.1:9
    mode: converse
    models:
      - name: us.anthropic.claude-sonnet-4-20250514-v1:0
        alias: claude-sonnet-4
        mode: invoke
      - name: amazon.nova-lite-v1:0
`;

describe('bedrock config section', () => {
  it('turns access keys into a SigV4 credential with per-model modes', () => {
    const { config } = parseConfig(KEYS, 'config.yaml', { env: {} });
    const [credential] = credentialsFromConfig(config).credentials;
    expect(credential).toEqual({
      id: 'aws-us',
      provider: 'bedrock',
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'secret/EXAMPLE',
      oauth: { accessToken: 'token-EXAMPLE' },
      models: [
        { name: 'us.anthropic.claude-sonnet-4-20250514-v1:0', alias: 'claude-sonnet-4' },
        { name: 'amazon.nova-lite-v1:0' },
      ],
      metadata: {
        bedrock: {
          region: 'us-east-1',
          mode: 'converse',
          accessKeyId: 'AKIAEXAMPLE',
          modes: { 'us.anthropic.claude-sonnet-4-20250514-v1:0': 'invoke' },
        },
      },
    });
  });

  it('turns an api-key into a bearer credential on the region endpoint, id from a hash of the key', () => {
    const { config } = parseConfig('bedrock:\n  - region: eu-west-3\n    api-key: ABSKkey\n', 'config.yaml', {
      env: {},
    });
    const [credential] = credentialsFromConfig(config).credentials;
    expect(credential!.id).toMatch(/^bedrock-[0-9a-z]{8}$/);
    expect(credential!.id).not.toContain('ABSK');
    expect(credential).toMatchObject({
      provider: 'bedrock',
      baseUrl: 'https://bedrock-runtime.eu-west-3.amazonaws.com',
      apiKey: 'ABSKkey',
      metadata: { bedrock: { region: 'eu-west-3' } },
    });
  });

  it.each([
    ['bedrock:\n  - region: us-east-1\n', 'bedrock.0.access-key-id', 'required: access-key-id with secret-access-key'],
    [
      'bedrock:\n  - region: us-east-1\n    api-key: k\n    access-key-id: a\n    secret-access-key: s\n',
      'bedrock.0.api-key',
      'not both',
    ],
    [
      'bedrock:\n  - region: us-east-1\n    access-key-id: a\n',
      'bedrock.0.secret-access-key',
      'required with the other AWS key',
    ],
    [
      'bedrock:\n  - region: us-east-1\n    api-key: k\n    session-token: t\n',
      'bedrock.0.session-token',
      'only applies to access keys',
    ],
    ['bedrock:\n  - region: Virginia\n    api-key: k\n', 'bedrock.0.region', 'must be an AWS region'],
    [
      'bedrock:\n  - region: us-east-1\n    api-key: k\n    models:\n      - name: amazon.nova-lite-v1:0\n        mode: invoke\n',
      'bedrock.0.models.0.mode',
      'not a Claude model; use converse',
    ],
    ['bedrock:\n  - region: us-east-1\n    api-key: k\n    mode: fast\n', 'bedrock.0.mode', ''],
    ['bedrock:\n  - region: us-east-1\n    api-key: k\n    secret-key: x\n', 'bedrock.0', 'secret-key'],
  ])('refuses %j at %s', (text, path, message) => {
    const refused = refusal(text);
    expect(refused).toContain(path);
    expect(refused).toContain(message);
  });
});

describe('bedrock through fromConfig', () => {
  let fake: FakeBedrock;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeBedrock();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-bedrock-'));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the Bedrock executor and answers an OpenAI Chat request from Converse by alias', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(
      path,
      `auth-dir: ${JSON.stringify(join(dir, 'auths'))}
bedrock:
  - id: aws
    region: ${fake.options.region}
    access-key-id: ${fake.options.accessKeyId}
    secret-access-key: ${fake.options.secretAccessKey}
    endpoint: ${fake.url}
    models:
      - name: amazon.nova-lite-v1:0
        alias: nova
`,
    );
    const app = await fromConfig(path, { env: {}, watch: false });
    try {
      const result = await app.manager.execute({
        dialect: 'openai-chat',
        body: { model: 'nova', messages: [{ role: 'user', content: 'hi' }] },
      });
      const answer = JSON.parse(new TextDecoder().decode(result.body as Uint8Array));
      expect(fake.authFailures).toEqual([]);
      expect(fake.last!.path).toBe('/model/amazon.nova-lite-v1%3A0/converse');
      expect(answer.choices[0].message.content).toBe('Hello from fake Bedrock');
    } finally {
      await app.close();
    }
  });

  it('serves Titan and Cohere embedding models listed on a bedrock entry, by alias', async () => {
    const embeddings = await startFakeBedrockEmbeddings();
    const path = join(dir, 'embed.yaml');
    await writeFile(
      path,
      `auth-dir: ${JSON.stringify(join(dir, 'auths-embed'))}
bedrock:
  - id: aws-embed
    region: ${embeddings.options.region}
    access-key-id: ${embeddings.options.accessKeyId}
    secret-access-key: ${embeddings.options.secretAccessKey}
    endpoint: ${embeddings.url}
    models:
      - { name: ${TITAN_V2}, alias: titan }
      - { name: ${COHERE_EN}, alias: cohere }
`,
    );
    const app = await fromConfig(path, { env: {}, watch: false });
    try {
      const read = async (model: string) => {
        const result = await app.manager.execute({
          dialect: 'openai-chat',
          operation: 'embed',
          body: { model, input: ['a', 'b'], encoding_format: 'float' },
        });
        const answer = JSON.parse(new TextDecoder().decode(result.body as Uint8Array));
        return answer.data.map((d: { embedding: number[] }) => d.embedding);
      };
      expect(await read('titan')).toEqual([fakeVector('a', 1024), fakeVector('b', 1024)]);
      expect(await read('cohere')).toEqual([fakeCohereVector('a'), fakeCohereVector('b')]);
      expect(embeddings.authFailures).toEqual([]);
      expect(embeddings.requests.map((r) => r.path)).toContain('/model/cohere.embed-english-v3/invoke');
    } finally {
      await app.close();
      await embeddings.close();
    }
  });
});
