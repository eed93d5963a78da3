import { z } from 'zod';
import { DEFAULT_PRICES } from '../manager/cost/price-table.js';
import { DURATION_HINT, parseDuration } from './parse-duration.js';

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
    /** The credential group (client keys limited to groups are served only by their credentials). */
    group: z.string().min(1).optional(),
    prefix: z.string().min(1).optional(),
    'excluded-models': z.array(z.string()).optional(),
    priority: z.number().int().optional(),
    weight: z.number().min(0).optional(),
  })
  .strict();

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

export const configSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
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
