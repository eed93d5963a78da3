import { compact } from '../core/compact.js';
import type { Credential, ModelEntry } from '../core/credential.js';
import { ConfigError } from '../core/errors.js';
import { AZURE_OPENAI_PROVIDER, azureOpenAICredential } from '../executors/azure/azure-credential.js';
import { bedrockCredential } from '../executors/bedrock/bedrock-credential.js';
import { hash53 } from '../manager/selectors/session-key.js';
import type { SwitchyardConfig } from './schema.js';
import { vertexCredentialsFromConfig } from './vertex-from-config.js';

/**
 * An OpenAI-compatible service named in `openai-compatibility`: a Chat Completions upstream (plus
 * Responses when the entry says `responses: true`) served by its own executor under its own provider id.
 */
export interface CompatibleProvider {
  /**
   * Provider id derived from the entry's `name` (`OpenRouter` → `openrouter`); a name that would take a
   * built-in provider's id gets `-compat` added (`openai` → `openai-compat`), so it never replaces one.
   */
  provider: string;
  name: string;
  baseUrl: string;
  /** The service also speaks the Responses API natively. */
  responses: boolean;
}

/** Provider ids of the built-in executors; no `openai-compatibility` entry may take one. */
export const BUILT_IN_PROVIDERS: ReadonlySet<string> = new Set([
  'openai',
  'codex',
  'anthropic',
  'gemini',
  'vertex',
  'mock',
  AZURE_OPENAI_PROVIDER,
  'bedrock',
]);

/** The credentials a config file declares, and the OpenAI-compatible providers they need. */
export interface ConfigCredentials {
  credentials: Credential[];
  compatible: CompatibleProvider[];
}

type ProviderKey = NonNullable<SwitchyardConfig['claude-api-key']>[number];
type AzureEntry = NonNullable<SwitchyardConfig['azure-openai']>[number];

const SECTIONS = [
  ['gemini-api-key', 'gemini'],
  ['claude-api-key', 'anthropic'],
  ['codex-api-key', 'codex'],
] as const;

/**
 * Turns the provider sections of a config into credentials: `gemini-api-key` → provider `gemini`,
 * `claude-api-key` → `anthropic`, `codex-api-key` → `codex` (a Responses-only upstream), each
 * `openai-compatibility` entry → its own provider (Chat Completions), `azure-openai` → provider
 * `azure-openai` (see {@link azureOpenAICredential}). An entry's `id` and `label` are
 * used as given; without an `id` it is derived from the provider and a hash of the key (never the key
 * itself), so it stays stable across reloads and only changed entries are replaced. Two entries with
 * the same `id`, or two compatible services with the same provider id, are a {@link ConfigError}.
 * When the file names no provider keys, `OPENAI_API_KEY` (provider `openai`: first-party OpenAI),
 * `ANTHROPIC_API_KEY` and `GEMINI_API_KEY` from `env` become credentials. Each `vertex` entry is a
 * Vertex AI credential (provider `vertex`); its `service-account-file` is read relative to `baseDir`
 * (the config file's directory; default the working directory).
 */
export function credentialsFromConfig(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv = {},
  baseDir: string = process.cwd(),
): ConfigCredentials {
  const credentials: Credential[] = [];
  const seen = new Map<string, number>();
  const explicit = new Set<string>();
  const add = (c: Credential, given: string | undefined) => {
    if (given !== undefined) {
      if (explicit.has(given) || seen.has(given)) {
        throw new ConfigError(`Invalid config: credential id '${given}' is used by two entries; ids must be unique`);
      }
      explicit.add(given);
      seen.set(given, 1);
      credentials.push(c);
      return;
    }
    const n = seen.get(c.id) ?? 0;
    seen.set(c.id, n + 1);
    credentials.push(n === 0 ? c : { ...c, id: `${c.id}-${n + 1}` });
  };
  const globalProxy = config['proxy-url'] || undefined;

  for (const [section, provider] of SECTIONS) {
    for (const entry of config[section] ?? []) add(fromProviderKey(provider, entry, globalProxy), entry.id);
  }
  for (const entry of config['azure-openai'] ?? []) add(fromAzureEntry(entry, globalProxy), entry.id);
  for (const entry of config.bedrock ?? []) add(fromBedrock(entry, globalProxy), entry.id);
  for (const { credential, id } of vertexCredentialsFromConfig(config, baseDir, globalProxy)) add(credential, id);
  const compatible: CompatibleProvider[] = [];
  for (const [index, entry] of (config['openai-compatibility'] ?? []).entries()) {
    const provider = compatibleProviderId(entry.name);
    const clash = compatible.find((c) => c.provider === provider);
    if (clash) {
      throw new ConfigError(
        `Invalid config: openai-compatibility.${index}.name '${entry.name}' gives provider id '${provider}', already used by '${clash.name}'; give each service a distinct name`,
      );
    }
    compatible.push({ provider, name: entry.name, baseUrl: entry['base-url'], responses: entry.responses === true });
    for (const key of entry['api-key-entries'] ?? []) {
      add(
        compact({
          id: key.id ?? `${provider}-${hash53(key['api-key']).slice(0, 8)}`,
          provider,
          label: key.label ?? entry.name,
          apiKey: key['api-key'],
          baseUrl: entry['base-url'],
          proxyUrl: key['proxy-url'] || globalProxy,
          headers: entry.headers,
          models: models(entry.models),
          excludedModels: entry['excluded-models'],
          prefix: entry.prefix,
          group: key.group ?? entry.group,
          priority: key.priority,
          weight: key.weight,
        }),
        key.id,
      );
    }
  }

  if (credentials.length === 0) {
    const fromEnv = [
      ['OPENAI_API_KEY', 'openai'],
      ['ANTHROPIC_API_KEY', 'anthropic'],
      ['GEMINI_API_KEY', 'gemini'],
    ] as const;
    for (const [name, provider] of fromEnv) {
      const key = env[name];
      if (key) add(compact({ id: `${provider}-env`, provider, apiKey: key, proxyUrl: globalProxy }), undefined);
    }
  }
  return { credentials, compatible };
}

function fromProviderKey(provider: string, entry: ProviderKey, globalProxy: string | undefined): Credential {
  return compact({
    id: entry.id ?? `${provider}-${hash53(entry['api-key']).slice(0, 8)}`,
    provider,
    label: entry.label,
    apiKey: entry['api-key'],
    baseUrl: entry['base-url'],
    proxyUrl: entry['proxy-url'] || globalProxy,
    headers: entry.headers,
    models: models(entry.models),
    excludedModels: entry['excluded-models'],
    prefix: entry.prefix,
    group: entry.group,
    priority: entry.priority,
    weight: entry.weight,
  });
}

/**
 * An `azure-openai` entry as a credential. Without an `id`, the id hashes the endpoint with the key
 * (api-key) or with the tenant and client id (Entra): a rotated client secret keeps the id.
 */
function fromAzureEntry(entry: AzureEntry, globalProxy: string | undefined): Credential {
  const entra = entry.entra;
  const identity = entra ? `${entra['tenant-id']}/${entra['client-id']}` : entry['api-key']!;
  const credential = azureOpenAICredential(
    compact({
      id: entry.id ?? AZURE_OPENAI_PROVIDER,
      endpoint: (entry.endpoint ?? entry['base-url'])!,
      apiShape: entry['api-shape'],
      apiVersion: entry['api-version'],
      responses: entry.responses,
      label: entry.label,
      proxyUrl: entry['proxy-url'] || globalProxy,
      headers: entry.headers,
      models: entry.models?.map((m) => (m.alias ? { name: m.deployment, alias: m.alias } : { name: m.deployment })),
      excludedModels: entry['excluded-models'],
      prefix: entry.prefix,
      group: entry.group,
      priority: entry.priority,
      weight: entry.weight,
      auth: entra
        ? {
            entra: compact({
              tenantId: entra['tenant-id'],
              clientId: entra['client-id'],
              clientSecret: entra['client-secret'],
              tokenUrl: entra['token-url'],
              scope: entra.scope,
            }),
          }
        : { apiKey: entry['api-key']! },
    }),
  );
  if (entry.id === undefined) {
    credential.id = `${AZURE_OPENAI_PROVIDER}-${hash53(`${credential.baseUrl}\n${identity}`).slice(0, 8)}`;
  }
  return credential;
}

type BedrockEntry = NonNullable<SwitchyardConfig['bedrock']>[number];

/** A `bedrock` entry as a credential (see {@link bedrockCredential}); the schema checked that it has one way to authenticate. */
function fromBedrock(entry: BedrockEntry, globalProxy: string | undefined): Credential {
  const secret = entry['api-key'] ?? entry['secret-access-key']!;
  const auth =
    entry['api-key'] !== undefined
      ? { apiKey: entry['api-key'] }
      : compact({
          accessKeyId: entry['access-key-id']!,
          secretAccessKey: entry['secret-access-key']!,
          sessionToken: entry['session-token'],
        });
  return bedrockCredential(
    compact({
      id: entry.id ?? `bedrock-${hash53(secret).slice(0, 8)}`,
      label: entry.label,
      region: entry.region,
      endpoint: entry.endpoint,
      auth,
      mode: entry.mode,
      models: entry.models?.map((m) => compact({ name: m.name, alias: m.alias, mode: m.mode })),
      proxyUrl: entry['proxy-url'] || globalProxy,
      headers: entry.headers,
      excludedModels: entry['excluded-models'],
      prefix: entry.prefix,
      group: entry.group,
      priority: entry.priority,
      weight: entry.weight,
    }),
  );
}

function models(list: Array<{ name: string; alias?: string | undefined }> | undefined): ModelEntry[] | undefined {
  return list?.map((m) => (m.alias ? { name: m.name, alias: m.alias } : { name: m.name }));
}

/** The provider id of an `openai-compatibility` entry: its slug, with `-compat` when a built-in provider has it. */
export function compatibleProviderId(name: string): string {
  const id = slug(name);
  return BUILT_IN_PROVIDERS.has(id) ? `${id}-compat` : id;
}

/** `OpenRouter` → `openrouter`, `Opencode Zen` → `opencode-zen`. */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'compatible'
  );
}

/**
 * Applies `oauth-model-alias` and `oauth-excluded-models` to a credential from the auth directory: the
 * channel is the credential's provider. A `fork: true` alias keeps the original name listed as well.
 */
export function applyOAuthModelRules(credential: Credential, config: SwitchyardConfig): Credential {
  const aliases = config['oauth-model-alias']?.[credential.provider];
  const excluded = config['oauth-excluded-models']?.[credential.provider];
  if (!aliases && !excluded) return credential;
  const out: Credential = { ...credential };
  if (aliases && aliases.length > 0) {
    const entries: ModelEntry[] = [...(credential.models ?? [])];
    for (const a of aliases) {
      if (a.alias) entries.push({ name: a.name, alias: a.alias });
      if (!a.alias || a.fork) entries.push({ name: a.name });
    }
    out.models = entries;
  }
  if (excluded && excluded.length > 0) out.excludedModels = [...(credential.excludedModels ?? []), ...excluded];
  return out;
}
