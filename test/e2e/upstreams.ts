import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { type FakeAzure, startFakeAzure } from '../fakes/fake-azure.js';
import { DEFAULT_BEDROCK, type FakeBedrock, startFakeBedrock } from '../fakes/fake-bedrock.js';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';
import { countTokens, type FakeReply, type RecordedRequest } from '../fakes/fake-server.js';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';

/** The fake upstreams of one test file. */
export interface Upstreams {
  openai: FakeOpenAI;
  anthropic: FakeAnthropic;
  gemini: FakeGemini;
  /** An OpenAI-compatible service (Chat Completions only), configured through `openai-compatibility`. */
  compat: FakeOpenAI;
  /** An Azure OpenAI resource (deployment-scoped Chat Completions), configured through `azure-openai`. */
  azure: FakeAzure;
  /** AWS Bedrock, configured through `bedrock` with access keys (SigV4); Claude, so Anthropic callers use InvokeModel. */
  bedrock: FakeBedrock;
  /** Google Vertex AI (one fake, one service-account credential): its Gemini models… */
  'vertex-gemini': FakeVertex;
  /** …and its Claude models on rawPredict. */
  'vertex-claude': FakeVertex;
  close(): Promise<void>;
}

export type UpstreamName =
  | 'openai'
  | 'anthropic'
  | 'gemini'
  | 'compat'
  | 'azure'
  | 'bedrock'
  | 'vertex-gemini'
  | 'vertex-claude';
export const UPSTREAM_NAMES: readonly UpstreamName[] = [
  'openai',
  'anthropic',
  'gemini',
  'compat',
  'azure',
  'bedrock',
  'vertex-gemini',
  'vertex-claude',
];

/** The model a caller asks for to reach each upstream, and the name the upstream must receive. */
export const MODELS: Record<UpstreamName, { requested: string; upstream: string }> = {
  openai: { requested: 'gpt-4o', upstream: 'gpt-4o' },
  anthropic: { requested: 'claude-e2e-1', upstream: 'claude-e2e-1' },
  gemini: { requested: 'gemini-2.5-flash', upstream: 'gemini-2.5-flash' },
  compat: { requested: 'compat-model', upstream: 'compat-upstream' },
  // An alias for a deployment: the deployment name is what Azure receives (in the path).
  azure: { requested: 'azure-gpt-4o', upstream: 'prod-gpt4o' },
  bedrock: { requested: 'bedrock-claude', upstream: 'us.anthropic.claude-sonnet-4-20250514-v1:0' },
  'vertex-gemini': { requested: 'vertex-pro', upstream: 'gemini-2.5-pro' },
  'vertex-claude': { requested: 'vertex-sonnet', upstream: 'claude-sonnet-4-5@20250929' },
};

/** The access token the fake Vertex AI issues to the service account (fixed, so tests know it). */
const VERTEX_TOKEN = 'ya29.c.e2e-vertex-access-token-0000';

/** The secret configured for each upstream; the fakes record what they were sent. */
export const SECRETS: Record<UpstreamName, string> = {
  openai: 'sk-e2e-openai-0000',
  anthropic: 'sk-ant-e2e-0000',
  gemini: 'AIza-e2e-0000',
  compat: 'sk-e2e-compat-0000',
  azure: 'azure-e2e-key-0000',
  // SigV4 sends no secret: the access key id in the signature's scope stands for it (the fake verifies the signature).
  bedrock: DEFAULT_BEDROCK.accessKeyId,
  'vertex-gemini': VERTEX_TOKEN,
  'vertex-claude': VERTEX_TOKEN,
};

/** The `api-version` the Azure entry uses. */
export const AZURE_API_VERSION = '2024-10-21';

export async function startUpstreams(): Promise<Upstreams> {
  const [openai, anthropic, gemini, compat, azure, bedrock, vertex] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
    startFakeOpenAI(),
    startFakeAzure({
      apiKey: SECRETS.azure,
      deployments: { [MODELS.azure.upstream]: 'gpt-4o-2024-08-06' },
      asyncFilter: true,
    }),
    startFakeBedrock(),
    startFakeVertex({ fixedToken: VERTEX_TOKEN }),
  ]);
  return {
    openai,
    anthropic,
    gemini,
    compat,
    azure,
    bedrock,
    'vertex-gemini': vertex,
    'vertex-claude': vertex,
    close: async () => {
      await Promise.all([
        openai.close(),
        anthropic.close(),
        gemini.close(),
        compat.close(),
        azure.close(),
        bedrock.close(),
        vertex.close(),
      ]);
    },
  };
}

/** The provider sections of a config pointing at the fakes (CLIProxyAPI's keys). */
export function providerConfig(up: Upstreams, only: readonly UpstreamName[] = UPSTREAM_NAMES): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (only.includes('openai')) config['codex-api-key'] = [{ 'api-key': SECRETS.openai, 'base-url': up.openai.baseUrl }];
  if (only.includes('anthropic'))
    config['claude-api-key'] = [{ 'api-key': SECRETS.anthropic, 'base-url': up.anthropic.url }];
  if (only.includes('gemini')) config['gemini-api-key'] = [{ 'api-key': SECRETS.gemini, 'base-url': up.gemini.url }];
  if (only.includes('compat')) {
    config['openai-compatibility'] = [
      {
        name: 'Compat Cloud',
        'base-url': up.compat.baseUrl,
        'api-key-entries': [{ 'api-key': SECRETS.compat }],
        models: [{ name: MODELS.compat.upstream, alias: MODELS.compat.requested }],
      },
    ];
  }
  if (only.includes('azure')) {
    config['azure-openai'] = [
      {
        endpoint: up.azure.endpoint,
        'api-version': AZURE_API_VERSION,
        'api-key': SECRETS.azure,
        models: [{ deployment: MODELS.azure.upstream, alias: MODELS.azure.requested }],
      },
    ];
  }
  if (only.includes('bedrock')) {
    config.bedrock = [
      {
        region: DEFAULT_BEDROCK.region,
        'access-key-id': DEFAULT_BEDROCK.accessKeyId,
        'secret-access-key': DEFAULT_BEDROCK.secretAccessKey,
        endpoint: up.bedrock.url,
        models: [{ name: MODELS.bedrock.upstream, alias: MODELS.bedrock.requested }],
      },
    ];
  }
  if (only.includes('vertex-gemini') || only.includes('vertex-claude')) {
    const vertex = up['vertex-gemini'];
    config.vertex = [
      {
        id: 'vertex-e2e',
        'service-account': JSON.stringify(vertex.serviceAccountKey),
        location: 'us-east5',
        'base-url': vertex.url,
        models: [
          { name: MODELS['vertex-gemini'].upstream, alias: MODELS['vertex-gemini'].requested },
          { name: MODELS['vertex-claude'].upstream, alias: MODELS['vertex-claude'].requested },
        ],
      },
    ];
  }
  return config;
}

/** The secret an upstream request carried, however the provider wants it sent. */
export function secretOf(request: RecordedRequest): string | undefined {
  const h = request.headers;
  const auth = typeof h.authorization === 'string' ? h.authorization : undefined;
  const sigv4 = auth === undefined ? undefined : /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(auth)?.[1];
  if (sigv4 !== undefined) return sigv4;
  const bearer = auth?.replace(/^Bearer /, '');
  return (
    (h['x-api-key'] as string | undefined) ??
    (h['x-goog-api-key'] as string | undefined) ??
    (h['api-key'] as string | undefined) ??
    bearer
  );
}

/** The model an upstream request named (body, or the path for Gemini, Vertex AI and Azure's deployments). */
export function modelOf(name: UpstreamName, request: RecordedRequest): string | undefined {
  if (name === 'gemini' || name.startsWith('vertex-')) return /\/models\/([^/:]+):/.exec(request.path)?.[1];
  if (name === 'azure') return /^\/openai\/deployments\/([^/]+)\//.exec(request.path)?.[1];
  if (name === 'bedrock') {
    const id = /^\/model\/([^/]+)\//.exec(request.path)?.[1];
    return id === undefined ? undefined : decodeURIComponent(id);
  }
  return (request.body as { model?: string } | undefined)?.model;
}

/**
 * The token counts a fake reported for `request` (see the fakes' `usage`): what the caller's SDK must
 * report after translation.
 */
export function expectedUsage(name: UpstreamName, request: RecordedRequest, reply: FakeReply) {
  const body = (request.body ?? {}) as Record<string, unknown>;
  switch (name) {
    case 'openai':
    case 'compat':
    case 'azure':
      return { input: countTokens(body.messages ?? body.input), output: countTokens(reply) };
    case 'anthropic':
    case 'vertex-claude':
      return { input: countTokens([body.system, body.messages, body.tools]), output: countTokens(reply) };
    case 'gemini':
    case 'vertex-gemini':
      return {
        input: countTokens([body.systemInstruction, body.contents, body.tools]),
        output: countTokens([reply.text, reply.toolCalls]),
      };
    case 'bedrock':
      return { input: countTokens(body.messages), output: countTokens([reply.text, reply.thinking, reply.toolCalls]) };
  }
}
