import { z } from 'zod';
import { DEFAULT_PRICES } from '../manager/cost/price-table.js';
import { oauthProfilesConfigSchema } from './oauth-schema.js';
import { DURATION_HINT, parseDuration } from './parse-duration.js';
import { proxyServicesSchema } from './proxy-schema.js';

/**
 * The YAML config, in the keys of CLIProxyAPI's `config.example.yaml` (so its users can bring their
 * file), plus switchyard's own (`routing.strategy: least-in-flight`, `session-affinity`). Every key is
 * optional; defaults are applied by {@link fromConfig}. Unknown top-level keys are refused by
 * {@link parseConfig} (with the closest valid key suggested), except CLIProxyAPI's {@link IGNORED_KEYS}.
 */

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/** `''` (none), `direct` (no proxy, not even the global one), or an http(s)/socks4/4a/5/5h URL. */
export function isValidProxyUrl(value: string): boolean {
  if (value === '' || value === 'direct') return true;
  try {
    const url = new URL(value);
    return PROXY_SCHEMES.has(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

const proxyUrlSchema = z.string().refine(isValidProxyUrl, {
  message:
    "must be 'direct' or a proxy URL with scheme http, https, socks4, socks4a, socks5 or socks5h (e.g. socks5://127.0.0.1:1080)",
});

/** Seconds (a number) or a string such as `500ms`, `30s`, `5m`, `1h`; read with {@link parseDuration}. */
export const durationSchema = z
  .union([z.number(), z.string()])
  .refine((value) => parseDuration(value) !== undefined, { message: `must be ${DURATION_HINT}` });

/** A credential id: readable in logs and state, safe in file names and metric labels. */
const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'must be letters, digits, ".", "_" or "-" (at most 128)' });

const byteSizeSchema = z.number().int().positive();

const modelSchema = z.object({ name: z.string().min(1), alias: z.string().min(1).optional() }).strict();

const headersSchema = z.record(z.string(), z.string());

/**
 * The routing keys every credential entry takes: its group (client keys limited to groups are served only
 * by their credentials), model prefix, excluded models, priority and weight.
 */
const routingKeys = {
  group: z.string().min(1).optional(),
  prefix: z.string().min(1).optional(),
  'excluded-models': z.array(z.string()).optional(),
  priority: z.number().int().optional(),
  weight: z.number().min(0).optional(),
};

/** One `gemini-api-key` / `claude-api-key` / `codex-api-key` entry. */
const providerKeySchema = z
  .object({
    'api-key': z.string().min(1),
    /** Credential id in logs and state. Default: the provider and a hash of the key. */
    id: idSchema.optional(),
    /** A readable name for logs and the status API. */
    label: z.string().min(1).optional(),
    'base-url': z.string().url().optional(),
    'proxy-url': proxyUrlSchema.optional(),
    headers: headersSchema.optional(),
    models: z.array(modelSchema).optional(),
    ...routingKeys,
  })
  .strict();

/**
 * One `vertex` entry: a Google Cloud project on Vertex AI, with exactly one of a service-account key
 * (`service-account-file`, or `service-account` inline: its JSON text or the same fields as YAML) or
 * an `api-key` (express mode without `project`).
 */
const vertexSchema = z
  .object({
    /** Credential id in logs and state. Default: `vertex-` and a hash of the account (or key). */
    id: idSchema.optional(),
    label: z.string().min(1).optional(),
    /** Google Cloud project id. Default: the service account's `project_id`. */
    project: z.string().min(1).optional(),
    /** Region (`us-central1`), multi-region (`us`, `eu`) or `global`. Default `global`. */
    location: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: 'must be a location id such as us-central1, us, eu or global' })
      .optional(),
    /** Path of the service-account JSON key (relative to the config file). */
    'service-account-file': z.string().min(1).optional(),
    /** The service-account key inline: its JSON text, or its fields as a mapping. */
    'service-account': z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    /** A Vertex AI API key (sent as `x-goog-api-key`). */
    'api-key': z.string().min(1).optional(),
    'base-url': z.string().url().optional(),
    'proxy-url': proxyUrlSchema.optional(),
    headers: headersSchema.optional(),
    models: z.array(modelSchema.extend({ publisher: z.enum(['google', 'anthropic']).optional() }).strict()).optional(),
    ...routingKeys,
  })
  .strict()
  .superRefine((entry, ctx) => {
    const given = (['service-account-file', 'service-account', 'api-key'] as const).filter(
      (k) => entry[k] !== undefined,
    );
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: given.length === 0 ? [] : [given[1]!],
      message:
        given.length === 0
          ? 'needs one of service-account-file, service-account or api-key'
          : `give only one of service-account-file, service-account or api-key (this entry has ${given.join(' and ')})`,
    });
  });

const compatibilitySchema = z
  .object({
    name: z.string().min(1),
    'base-url': z.string().url(),
    headers: headersSchema.optional(),
    /** The credential group (client keys limited to groups are served only by their credentials). */
    group: z.string().min(1).optional(),
    prefix: z.string().min(1).optional(),
    /** The service also speaks the Responses API natively (`/responses`). Default false: Chat Completions only. */
    responses: z.boolean().optional(),
    'api-key-entries': z
      .array(
        z
          .object({
            'api-key': z.string().min(1),
            id: idSchema.optional(),
            label: z.string().min(1).optional(),
            group: z.string().min(1).optional(),
            'proxy-url': proxyUrlSchema.optional(),
            weight: z.number().min(0).optional(),
            priority: z.number().int().optional(),
          })
          .strict(),
      )
      .optional(),
    models: z.array(modelSchema).optional(),
    'excluded-models': z.array(z.string()).optional(),
  })
  .strict();

/** One `azure-openai` model: the deployment (what goes upstream) and the name clients ask for. */
const azureModelSchema = z.strictObject(
  {
    deployment: z.string().min(1, { message: 'must name the deployment (its name in the Azure portal)' }),
    alias: z.string().min(1).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}: a model takes deployment (the deployment name) and alias (the model name clients ask for)`
        : undefined,
  },
);

/** The Entra ID app of an `azure-openai` entry (client-credentials grant). */
const entraSchema = z
  .object({
    'tenant-id': z.string().min(1, { message: 'must be the directory (tenant) id or domain' }),
    'client-id': z.string().min(1, { message: "must be the app registration's application (client) id" }),
    'client-secret': z.string().min(1, { message: "must be the client secret's value (not its id)" }),
    'token-url': z.string().url().optional(),
    scope: z.string().min(1).optional(),
  })
  .strict();

const AZURE_SHAPES = ['deployments', 'responses', 'v1'] as const;

/** One `azure-openai` entry: an Azure OpenAI resource with an API key or an Entra ID app. */
const azureOpenAISchema = z
  .object({
    /** The resource URL, `https://{resource}.openai.azure.com` (`base-url` is taken as a synonym). */
    endpoint: z.string().url().optional(),
    'base-url': z.string().url().optional(),
    'api-shape': z
      .enum(AZURE_SHAPES, {
        message: `must be one of ${AZURE_SHAPES.join(', ')} (see docs/providers/azure-openai.md)`,
      })
      .optional(),
    'api-version': z.string().min(1).optional(),
    /** Send Responses callers to the Responses API (default false for deployments, true for v1). */
    responses: z.boolean().optional(),
    'api-key': z.string().min(1).optional(),
    entra: entraSchema.optional(),
    id: idSchema.optional(),
    label: z.string().min(1).optional(),
    'proxy-url': proxyUrlSchema.optional(),
    headers: headersSchema.optional(),
    models: z.array(azureModelSchema).optional(),
    ...routingKeys,
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.endpoint === undefined && entry['base-url'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: 'required: the resource URL, e.g. https://my-resource.openai.azure.com',
      });
    }
    if (entry.endpoint !== undefined && entry['base-url'] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['base-url'],
        message: 'is a synonym of endpoint: set one of them, not both',
      });
    }
    if (entry['api-key'] !== undefined && entry.entra !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'set either api-key or entra, not both: an entry authenticates one way',
      });
    }
    if (entry['api-key'] === undefined && entry.entra === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: "set api-key (the resource's key) or entra (tenant-id, client-id, client-secret)",
      });
    }
    const shape = entry['api-shape'] ?? 'deployments';
    if (shape !== 'v1' && entry['api-version'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['api-version'],
        message: `required: api-shape ${shape} needs an api-version (e.g. 2024-10-21, or 2025-04-01-preview for Responses), or use api-shape: v1`,
      });
    }
  });

const bedrockModeSchema = z.enum(['auto', 'converse', 'invoke']);

/** True for a model id or ARN that may take `mode: invoke` (Claude's Messages body): Claude ids, and ARNs (which need not name the model). */
function invokable(name: string): boolean {
  return name.startsWith('arn:') || /claude/i.test(name);
}

/**
 * Ours: one `bedrock` entry, an AWS account (or Bedrock API key) in one region. Exactly one way to
 * authenticate: `access-key-id` with `secret-access-key` (and, for temporary credentials,
 * `session-token`), signed with SigV4; or a Bedrock `api-key`.
 */
const bedrockSchema = z
  .object({
    id: idSchema.optional(),
    label: z.string().min(1).optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: 'must be an AWS region such as us-east-1' }),
    'access-key-id': z.string().min(1).optional(),
    'secret-access-key': z.string().min(1).optional(),
    'session-token': z.string().min(1).optional(),
    'api-key': z.string().min(1).optional(),
    /** Default `https://bedrock-runtime.{region}.amazonaws.com`. */
    endpoint: z.string().url().optional(),
    /** The mode of models without their own: `auto` (default), `converse` or `invoke`. */
    mode: bedrockModeSchema.optional(),
    models: z
      .array(
        z
          .object({ name: z.string().min(1), alias: z.string().min(1).optional(), mode: bedrockModeSchema.optional() })
          .strict(),
      )
      .optional(),
    'proxy-url': proxyUrlSchema.optional(),
    headers: headersSchema.optional(),
    ...routingKeys,
  })
  .strict()
  .superRefine((entry, ctx) => {
    const keys = entry['access-key-id'] !== undefined || entry['secret-access-key'] !== undefined;
    if (entry['api-key'] !== undefined && keys) {
      ctx.addIssue({
        code: 'custom',
        path: ['api-key'],
        message: 'give either api-key or access-key-id with secret-access-key, not both',
      });
    } else if (entry['api-key'] === undefined && !keys) {
      ctx.addIssue({
        code: 'custom',
        path: ['access-key-id'],
        message: 'required: access-key-id with secret-access-key (SigV4), or api-key (a Bedrock API key)',
      });
    } else if (keys) {
      for (const key of ['access-key-id', 'secret-access-key'] as const) {
        if (entry[key] === undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'required with the other AWS key' });
        }
      }
    }
    if (entry['session-token'] !== undefined && entry['api-key'] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['session-token'], message: 'only applies to access keys, not an api-key' });
    }
    for (const [index, model] of (entry.models ?? []).entries()) {
      if (model.mode === 'invoke' && !invokable(model.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', index, 'mode'],
          message: `invoke sends Claude's Messages body, and '${model.name}' is not a Claude model; use converse`,
        });
      }
    }
  });

/** An ISO 8601 date or date-time (`2027-01-31`, `2027-01-31T18:00:00Z`). */
const dateSchema = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(Date.parse(value)), {
    message: 'must be an ISO 8601 date such as 2027-01-31 or 2027-01-31T18:00:00Z',
  });

/** One client key with its limits. */
const clientKeySchema = z
  .object({
    key: z.string().min(1),
    /** Who it belongs to, in logs and usage records. */
    name: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).optional(),
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
    'max-concurrent': z.number().int().positive().optional(),
    budget: z.object({ tokens: z.number().int().positive(), period: durationSchema.optional() }).strict().optional(),
    'expires-at': dateSchema.optional(),
    'allowed-ips': z.array(z.string().min(1)).optional(),
    groups: z.array(z.string().min(1)).optional(),
    /** Spending limits per UTC day and month, from the ledger's cost numbers. */
    'cost-budget': z
      .object({
        day: z.number().positive().optional(),
        month: z.number().positive().optional(),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD' })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const quotaBehaviour = z.enum(['fail-fast', 'skip-model', 'skip-auth']);

/** Ours: where usage records go, and how long they are kept. */
const usageSchema = z
  .object({
    /** `memory` (a bounded ring), `file` (JSON lines, `serve`'s default) or `postgres`. */
    sink: z.enum(['memory', 'file', 'postgres']).optional(),
    /** file: the directory of the usage files. Default: `usage` next to the config file. */
    path: z.string().min(1).optional(),
    /** file: rotate before a file grows past this, bytes. Default 16 MiB. */
    'max-bytes': byteSizeSchema.optional(),
    /** file: rotate once a file's first record is this old. Default 1 day. */
    'max-age': durationSchema.optional(),
    /** How long records are kept (file, postgres; memory: left out of answers). Default 30 days for file, forever for postgres. */
    retention: durationSchema.optional(),
    /** memory: records kept; file: records kept in memory to answer queries. */
    'max-records': z.number().int().min(1).max(10_000_000).optional(),
    /** postgres: connection string. Default: `pgstore.dsn`, else `PGSTORE_DSN`. */
    dsn: z.string().min(1).optional(),
    /** postgres: schema and table. Default `public`, `switchyard_usage`. */
    schema: z.string().min(1).optional(),
    table: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((usage, ctx) => {
    const sink = usage.sink ?? 'file';
    const only = (keys: readonly string[], sinks: string) => {
      for (const key of keys) {
        if ((usage as Record<string, unknown>)[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `only applies to sink: ${sinks} (the sink is ${sink})`,
          });
        }
      }
    };
    if (sink !== 'file') only(['path', 'max-bytes', 'max-age'], 'file');
    if (sink !== 'postgres') only(['dsn', 'schema', 'table'], 'postgres');
    if (sink === 'postgres') only(['max-records'], 'memory or file');
  });

/** A price per million tokens: a number of at least 0. */
const rateSchema = z.number().min(0);

/** Ours: one model's price, per million tokens (overrides or extends the shipped table). */
const priceSchema = z
  .object({
    input: rateSchema.optional(),
    output: rateSchema.optional(),
    'cached-input': rateSchema.optional(),
    'cache-write': rateSchema.optional(),
    reasoning: rateSchema.optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: 'must be a three-letter currency code such as USD' })
      .optional(),
    aliases: z.array(z.string().min(1)).optional(),
    source: z.string().min(1).optional(),
    date: z.string().min(1).optional(),
  })
  .strict();

const WORKERS_MESSAGE = 'must be a whole number of processes from 1 to 1024, or "auto" (one per core)';

export const configSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    /** Ours: processes of `switchyard serve` sharing the port (node:cluster), or `auto` (one per core). */
    workers: z
      .union(
        [
          z
            .number()
            .int({ message: WORKERS_MESSAGE })
            .min(1, { message: WORKERS_MESSAGE })
            .max(1024, { message: WORKERS_MESSAGE }),
          z.literal('auto'),
        ],
        { message: WORKERS_MESSAGE },
      )
      .optional(),
    tls: z
      .object({ enable: z.boolean().optional(), cert: z.string().optional(), key: z.string().optional() })
      .strict()
      .optional(),
    /** Client keys: a key as a string, or a key with its limits (ours; CLIProxyAPI takes strings only). */
    'api-keys': z.array(z.union([z.string().min(1), clientKeySchema])).optional(),
    /** Ours: serve without client keys on a non-loopback address (or `serve --allow-unauthenticated`). */
    'allow-unauthenticated': z.boolean().optional(),
    'auth-dir': z.string().optional(),
    debug: z.boolean().optional(),
    'proxy-url': proxyUrlSchema.optional(),
    'request-retry': z.number().int().min(0).max(20).optional(),
    /** Seconds to wait for a cooling credential instead of failing at once. */
    'max-retry-interval': z.number().min(0).optional(),
    routing: z
      .object({
        strategy: z.enum(['round-robin', 'fill-first', 'weighted-round-robin', 'least-in-flight']).optional(),
        'session-affinity': z.boolean().optional(),
        /** Seconds, or a duration such as `30m`, `1h`. */
        'session-affinity-ttl': durationSchema.optional(),
      })
      .strict()
      .optional(),
    /** Ours: a behaviour name, or `{ behavior }` (seed), or CLIProxyAPI's `{ switch-project, switch-preview-model }`. */
    'quota-exceeded': z
      .union([
        quotaBehaviour,
        z
          .object({
            behavior: quotaBehaviour.optional(),
            'switch-project': z.boolean().optional(),
            'switch-preview-model': z.boolean().optional(),
          })
          .strict(),
      ])
      .optional(),
    'force-model-prefix': z.boolean().optional(),
    'gemini-api-key': z.array(providerKeySchema).optional(),
    'claude-api-key': z.array(providerKeySchema).optional(),
    'codex-api-key': z.array(providerKeySchema).optional(),
    'openai-compatibility': z.array(compatibilitySchema).optional(),
    /** Ours: Azure OpenAI resources, by API key or Entra ID app (see docs/providers/azure-openai.md). */
    'azure-openai': z.array(azureOpenAISchema).optional(),
    /** Ours: AWS Bedrock accounts (see docs/providers/bedrock.md). */
    bedrock: z.array(bedrockSchema).optional(),
    /** Ours: Google Vertex AI projects (Gemini and Claude models), by service account or API key. */
    vertex: z.array(vertexSchema).optional(),
    /** Per OAuth channel (provider id): models renamed for listing and routing. */
    'oauth-model-alias': z.record(z.string(), z.array(modelSchema.extend({ fork: z.boolean().optional() }))).optional(),
    'oauth-excluded-models': z.record(z.string(), z.array(z.string())).optional(),
    'remote-management': z
      .object({
        'allow-remote': z.boolean().optional(),
        'secret-key': z.string().optional(),
        /** Ours: the web dashboard at `/manage/` while a secret is set. Default true. */
        dashboard: z.boolean().optional(),
      })
      .loose()
      .optional(),
    /** Ours: credentials in PostgreSQL instead of the auth directory (or `PGSTORE_DSN`, `PGSTORE_SCHEMA`, `PGSTORE_TABLE`). */
    pgstore: z
      .object({ dsn: z.string().min(1), schema: z.string().min(1).optional(), table: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Ours: routing state shared through Redis by several instances (or `REDIS_URL`). */
    redis: z
      .object({ url: z.string().min(1), prefix: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Key for encrypting secrets at rest in PostgreSQL (or `SWITCHYARD_SECRET_KEY`). */
    'secret-key': z.string().min(1).optional(),
    /** Ours: the built-in mock provider: `true`, or `{ credentials, models }` (the offline default uses two). */
    mock: z
      .union([
        z.boolean(),
        z
          .object({
            credentials: z.number().int().min(0).max(1000).optional(),
            models: z.array(z.string()).optional(),
          })
          .strict(),
      ])
      .optional(),
    /** Ours: upstream timeouts (see docs/config.md for the defaults). */
    timeouts: z
      .object({
        connect: durationSchema.optional(),
        headers: durationSchema.optional(),
        'first-byte': durationSchema.optional(),
        idle: durationSchema.optional(),
        total: durationSchema.optional(),
      })
      .strict()
      .optional(),
    /** Ours: largest client request body, bytes. Default 10 MiB. */
    'max-body-bytes': byteSizeSchema.optional(),
    /** Ours: deepest JSON nesting accepted in a client request body. Default 128. */
    'max-json-depth': z.number().int().min(1).max(10_000).optional(),
    /** Ours: largest single SSE event from an upstream, bytes. Default 16 MiB. */
    'max-event-bytes': byteSizeSchema.optional(),
    /** Ours: the usage ledger (see docs/config.md). */
    usage: usageSchema.optional(),
    /** Ours: REST services whose keys are rotated behind `/proxy/{name}/...` (see docs/proxy.md). */
    'proxy-services': proxyServicesSchema.optional(),
    /** Ours: OAuth clients to log accounts in with (`switchyard login <name>`; see docs/oauth.md). */
    'oauth-profiles': oauthProfilesConfigSchema.optional(),
    /** Ours: prices per model, per million tokens, over the shipped table. */
    prices: z
      .record(z.string().min(1), priceSchema)
      .superRefine((prices, ctx) => {
        for (const [model, price] of Object.entries(prices)) {
          if (DEFAULT_PRICES[model]) continue;
          for (const key of ['input', 'output'] as const) {
            if (price[key] === undefined) {
              ctx.addIssue({
                code: 'custom',
                path: [model, key],
                message: `required: '${model}' is not in the shipped price table, so it needs both input and output`,
              });
            }
          }
        }
      })
      .optional(),
  })
  .loose();

/** A parsed config file. */
export type SwitchyardConfig = z.infer<typeof configSchema>;

/** The keys {@link configSchema} knows at the top level (others are refused). */
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.shape));

/** Keys of CLIProxyAPI's config that switchyard accepts but does not act on; accepted silently. */
export const IGNORED_KEYS: ReadonlySet<string> = new Set([
  'commercial-mode',
  'logging-to-file',
  'logs-max-total-size-mb',
  'usage-statistics-enabled',
  'ws-auth',
  'streaming',
  'payload',
  'ampcode',
  'vertex-api-key',
  'oauth-model-mappings',
]);
