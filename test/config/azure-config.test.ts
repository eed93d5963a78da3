import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { credentialsFromConfig, fromConfig, parseConfig, type SwitchyardConfig } from '../../src/config/index.js';
import { maskConfigText } from '../../src/config/mask-config.js';
import { SwitchyardError } from '../../src/core/errors.js';
import { azureOpenAICredential, entraTokenUrl } from '../../src/executors/azure/azure-credential.js';
import { type FakeAzure, PROMPT_FILTER_TRIGGER, startFakeAzure } from '../fakes/fake-azure.js';

function refusal(text: string): string {
  try {
    parseConfig(text, 'config.yaml', { env: {} });
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const parse = (config: Record<string, unknown>) => parseConfig(stringify(config), 'config.yaml', { env: {} }).config;

const KEY_ENTRY = {
  endpoint: 'https://contoso-eu.openai.azure.com/',
  'api-version': '2024-10-21',
  'api-key': 'azure-key-aaaa1111',
  models: [{ deployment: 'prod-gpt4o', alias: 'gpt-4o' }, { deployment: 'gpt-4o-mini' }],
};

const ENTRA = { 'tenant-id': 'contoso.onmicrosoft.com', 'client-id': 'app-1', 'client-secret': 'entra-secret-1' };

describe('the azure-openai section', () => {
  it('turns an api-key entry into the credential azureOpenAICredential builds, with the common keys', () => {
    const config = parse({
      'azure-openai': [
        {
          ...KEY_ENTRY,
          id: 'azure-eu',
          label: 'EU resource',
          prefix: 'eu',
          'proxy-url': 'socks5://127.0.0.1:1080',
          headers: { 'x-team': 'llm' },
          group: 'enterprise',
          'excluded-models': ['gpt-4o-mini'],
          priority: 2,
          weight: 3,
        },
      ],
    });
    const { credentials } = credentialsFromConfig(config);
    expect(credentials).toEqual([
      azureOpenAICredential({
        id: 'azure-eu',
        label: 'EU resource',
        endpoint: 'https://contoso-eu.openai.azure.com/',
        apiVersion: '2024-10-21',
        models: [{ name: 'prod-gpt4o', alias: 'gpt-4o' }, { name: 'gpt-4o-mini' }],
        prefix: 'eu',
        proxyUrl: 'socks5://127.0.0.1:1080',
        headers: { 'x-team': 'llm' },
        group: 'enterprise',
        excludedModels: ['gpt-4o-mini'],
        priority: 2,
        weight: 3,
        auth: { apiKey: 'azure-key-aaaa1111' },
      }),
    ]);
    expect(credentials[0]).toMatchObject({
      provider: 'azure-openai',
      baseUrl: 'https://contoso-eu.openai.azure.com',
      apiKey: 'azure-key-aaaa1111',
      metadata: { azure: { apiShape: 'deployments', apiVersion: '2024-10-21' } },
    });
  });

  it('turns an entra entry into an OAuth credential with the tenant’s token endpoint, and takes base-url for endpoint', () => {
    const config = parse({
      'azure-openai': [
        {
          'base-url': 'https://contoso.openai.azure.com/openai/v1/',
          'api-shape': 'v1',
          entra: { ...ENTRA, scope: 'api://custom/.default' },
          models: [{ deployment: 'prod-gpt4o', alias: 'gpt-4o' }],
        },
        {
          endpoint: 'https://other.openai.azure.com',
          'api-shape': 'v1',
          entra: { ...ENTRA, 'token-url': 'https://login.example/t' },
        },
      ],
    });
    const [first, second] = credentialsFromConfig(config).credentials;
    expect(first).toMatchObject({
      provider: 'azure-openai',
      kind: 'oauth',
      baseUrl: 'https://contoso.openai.azure.com',
      apiKey: 'entra-secret-1',
      oauth: { accessToken: '', expiresAt: 0, tokenUrl: entraTokenUrl('contoso.onmicrosoft.com'), clientId: 'app-1' },
      metadata: { azure: { apiShape: 'v1', scope: 'api://custom/.default' } },
    });
    expect(second!.oauth!.tokenUrl).toBe('https://login.example/t');
    // Ids are derived from the resource and the app, never from a secret, and differ per resource.
    expect(first!.id).toMatch(/^azure-openai-[0-9a-z]{8}$/);
    expect(first!.id).not.toBe(second!.id);
    const rotated = parse({
      'azure-openai': [
        {
          endpoint: 'https://contoso.openai.azure.com',
          'api-shape': 'v1',
          entra: { ...ENTRA, 'client-secret': 'rotated-secret' },
        },
      ],
    });
    expect(credentialsFromConfig(rotated).credentials[0]!.id).toBe(first!.id);
  });

  it('refuses an entry with both api-key and entra, or neither, naming the entry and how to fix it', () => {
    const both = refusal(stringify({ 'azure-openai': [{ ...KEY_ENTRY, entra: ENTRA }] }));
    expect(both).toContain('azure-openai.0');
    expect(both).toContain('either api-key or entra, not both');
    const { 'api-key': _key, ...keyless } = KEY_ENTRY;
    const neither = refusal(stringify({ 'azure-openai': [keyless] }));
    expect(neither).toContain('azure-openai.0');
    expect(neither).toMatch(/set api-key .* or entra/);
  });

  it('refuses a dated shape without api-version, an unknown shape, a missing endpoint and an incomplete entra block', () => {
    const { 'api-version': _v, ...undated } = KEY_ENTRY;
    expect(refusal(stringify({ 'azure-openai': [undated] }))).toMatch(
      /azure-openai\.0\.api-version.*api-shape deployments needs an api-version.*2024-10-21/,
    );
    expect(refusal(stringify({ 'azure-openai': [{ ...KEY_ENTRY, 'api-shape': 'deployment' }] }))).toMatch(
      /azure-openai\.0\.api-shape.*deployments.*responses.*v1/,
    );
    const { endpoint: _e, ...nowhere } = KEY_ENTRY;
    expect(refusal(stringify({ 'azure-openai': [nowhere] }))).toMatch(/azure-openai\.0\.endpoint.*resource URL/);
    expect(
      refusal(
        stringify({
          'azure-openai': [
            { ...KEY_ENTRY, endpoint: 'https://a.openai.azure.com', 'base-url': 'https://b.openai.azure.com' },
          ],
        }),
      ),
    ).toMatch(/azure-openai\.0\.base-url.*not both/);
    const { 'client-secret': _s, ...secretless } = ENTRA;
    const { 'api-key': _k, ...keyless } = KEY_ENTRY;
    expect(refusal(stringify({ 'azure-openai': [{ ...keyless, entra: secretless }] }))).toContain(
      'azure-openai.0.entra.client-secret',
    );
    // `name` is what the other sections call it; here the deployment is named for what it is.
    expect(refusal(stringify({ 'azure-openai': [{ ...KEY_ENTRY, models: [{ name: 'prod-gpt4o' }] }] }))).toMatch(
      /azure-openai\.0\.models\.0.*deployment/,
    );
  });

  it('refuses two entries with the same id', () => {
    const config = parse({
      'azure-openai': [
        { ...KEY_ENTRY, id: 'az' },
        { ...KEY_ENTRY, id: 'az' },
      ],
    });
    expect(() => credentialsFromConfig(config)).toThrow(/credential id 'az' is used by two entries/);
  });

  it('masks the api-key and the client secret when the management API shows the file', () => {
    const text = stringify({
      'azure-openai': [{ ...KEY_ENTRY }, { ...KEY_ENTRY, 'api-key': undefined, entra: ENTRA }],
    });
    const masked = maskConfigText(text);
    expect(masked).not.toContain('azure-key-aaaa1111');
    expect(masked).not.toContain('entra-secret-1');
    expect(masked).toContain('app-1');
  });

  it('gives an openai-compatibility service named like the Azure provider its own provider id', () => {
    const config: SwitchyardConfig = parse({
      'openai-compatibility': [
        { name: 'Azure OpenAI', 'base-url': 'https://x.example/v1', 'api-key-entries': [{ 'api-key': 'k' }] },
      ],
    });
    expect(credentialsFromConfig(config).credentials[0]!.provider).toBe('azure-openai-compat');
  });
});

describe('fromConfig with an azure-openai section', () => {
  let fake: FakeAzure;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeAzure();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-azure-config-'));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.tokenCalls.length = 0;
  });

  const chat = (content = 'hi') => ({
    dialect: 'openai-chat' as const,
    body: { model: 'gpt-4o', messages: [{ role: 'user', content }] },
  });

  it('registers the Azure executor: an alias reaches its deployment with the api-key', async () => {
    const app = await fromConfig({
      'auth-dir': join(dir, 'auths'),
      'azure-openai': [
        {
          endpoint: fake.endpoint,
          'api-version': '2024-10-21',
          'api-key': fake.options.apiKey,
          models: [{ deployment: 'prod-gpt4o', alias: 'gpt-4o' }],
        },
      ],
    });
    try {
      const result = await app.manager.execute(chat());
      expect(result.status).toBe(200);
      expect(fake.last!.path).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
      expect(fake.last!.headers['api-key']).toBe(fake.options.apiKey);
      expect((await app.manager.listModels()).map((m) => m.id)).toContain('gpt-4o');
    } finally {
      await app.close();
    }
  });

  it('serves a deployment named after an OpenAI model when the entry lists no models', async () => {
    fake.options.deployments = { ...fake.options.deployments, 'gpt-4o': 'gpt-4o-2024-08-06' };
    const app = await fromConfig({
      'auth-dir': join(dir, 'auths'),
      'azure-openai': [{ endpoint: fake.endpoint, 'api-version': '2024-10-21', 'api-key': fake.options.apiKey }],
    });
    try {
      expect((await app.manager.execute(chat())).status).toBe(200);
      expect(fake.last!.path).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    } finally {
      await app.close();
    }
  });

  it('gets an Entra token once and keeps it across a reload that leaves the entry unchanged', async () => {
    const path = join(dir, 'entra.yaml');
    const { tenant, clientId, clientSecret } = fake.options.entra;
    const config = {
      'auth-dir': join(dir, 'auths'),
      'azure-openai': [
        {
          endpoint: fake.endpoint,
          'api-shape': 'v1',
          entra: {
            'tenant-id': tenant,
            'client-id': clientId,
            'client-secret': clientSecret,
            'token-url': fake.tokenUrl(),
          },
          models: [{ deployment: 'prod-gpt4o', alias: 'gpt-4o' }],
        },
      ],
    };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, stringify(config));
    const app = await fromConfig(path, { watch: false });
    try {
      expect((await app.manager.execute(chat())).status).toBe(200);
      expect(fake.last!.headers.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
      await writeFile(path, stringify({ ...config, debug: true }));
      await app.reload();
      expect((await app.manager.execute(chat())).status).toBe(200);
      expect(fake.tokenCalls).toHaveLength(1);
      // The filtered prompt is the caller's fault: refused without touching the credential.
      const filtered = await app.manager.execute(chat(PROMPT_FILTER_TRIGGER)).catch((err: unknown) => err);
      expect(SwitchyardError.is(filtered) && filtered.kind).toBe('invalid_request');
      expect(await app.manager.cooldowns()).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
