import { z } from 'zod';

/**
 * The YAML config, in the keys of CLIProxyAPI's `config.example.yaml` (so its users can bring their
 * file), plus switchyard's own (`routing.strategy: least-in-flight`, `session-affinity`). Every key is
 * optional; defaults are applied by {@link fromConfig}. Unknown keys are reported as warnings.
 */

const modelSchema = z.object({ name: z.string().min(1), alias: z.string().min(1).optional() }).strict();

const headersSchema = z.record(z.string(), z.string());

/** One `gemini-api-key` / `claude-api-key` / `codex-api-key` entry. */
const providerKeySchema = z
  .object({
    'api-key': z.string().min(1),
    'base-url': z.string().url().optional(),
    'proxy-url': z.string().optional(),
    headers: headersSchema.optional(),
    models: z.array(modelSchema).optional(),
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
    prefix: z.string().min(1).optional(),
    'api-key-entries': z
      .array(
        z
          .object({
            'api-key': z.string().min(1),
            'proxy-url': z.string().optional(),
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

const quotaBehaviour = z.enum(['fail-fast', 'skip-model', 'skip-auth']);

export const configSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    tls: z
      .object({ enable: z.boolean().optional(), cert: z.string().optional(), key: z.string().optional() })
      .strict()
      .optional(),
    'api-keys': z.array(z.string().min(1)).optional(),
    'auth-dir': z.string().optional(),
    debug: z.boolean().optional(),
    'proxy-url': z.string().optional(),
    'request-retry': z.number().int().min(0).max(20).optional(),
    /** Seconds to wait for a cooling credential instead of failing at once. */
    'max-retry-interval': z.number().min(0).optional(),
    routing: z
      .object({
        strategy: z.enum(['round-robin', 'fill-first', 'weighted-round-robin', 'least-in-flight']).optional(),
        'session-affinity': z.boolean().optional(),
        /** Seconds, or a duration such as `30m`, `1h`. */
        'session-affinity-ttl': z.union([z.number().positive(), z.string().regex(/^\d+(ms|s|m|h)$/)]).optional(),
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
      .object({ 'allow-remote': z.boolean().optional(), 'secret-key': z.string().optional() })
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
    /** Ours: the built-in mock provider's credentials (the offline default uses two). */
    mock: z
      .object({ credentials: z.number().int().min(0).max(1000).optional(), models: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .loose();

/** A parsed config file. */
export type SwitchyardConfig = z.infer<typeof configSchema>;

/** The keys {@link configSchema} knows at the top level (others are warned about). */
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.shape));

/** Keys of CLIProxyAPI's config that switchyard reads but does not act on; no warning for them. */
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
