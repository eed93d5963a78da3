import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { ClientKeyStore } from '../http/client-keys/types.js';
import type { StateStore } from '../manager/state/types.js';
import type { TokenStore } from '../manager/stores/types.js';
import type { SwitchyardConfig } from './schema.js';

// The shared stores a config asks for (PostgreSQL for credentials and client keys, Redis for routing
// state), each loaded only when asked for, so `pg` and `ioredis` stay optional.

/** How long to wait for Redis before logging that it is unreachable (start-up does not wait). */
const REDIS_READY_MS = 2_000;

export function postgresSource(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
): { dsn: string; key: string } | undefined {
  if (config.pgstore?.dsn) return { dsn: config.pgstore.dsn, key: 'pgstore.dsn' };
  if (env.PGSTORE_DSN) return { dsn: env.PGSTORE_DSN, key: 'PGSTORE_DSN' };
  return undefined;
}

/** A PostgresTokenStore when the config or `PGSTORE_DSN` asks for one; `pg` is loaded only then. */
export async function postgresStore(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
  dsn: string,
): Promise<TokenStore> {
  const { PostgresTokenStore } = await import('../manager/stores/postgres/index.js');
  const schema = config.pgstore?.schema ?? env.PGSTORE_SCHEMA;
  const table = config.pgstore?.table ?? env.PGSTORE_TABLE;
  const secretKey = config['secret-key'] ?? env.SWITCHYARD_SECRET_KEY;
  return new PostgresTokenStore(dsn, {
    ...(schema ? { schema } : {}),
    ...(table ? { table } : {}),
    ...(secretKey ? { secretKey } : {}),
  });
}

export async function postgresClientKeys(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
  dsn: string,
): Promise<ClientKeyStore> {
  const { PostgresClientKeyStore } = await import('../manager/stores/postgres/index.js');
  const schema = config.pgstore?.schema ?? env.PGSTORE_SCHEMA;
  return new PostgresClientKeyStore(dsn, schema ? { schema } : {});
}

/**
 * A RedisStateStore when the config or `REDIS_URL` asks for one; `ioredis` is loaded only then. Its log
 * lines name where the URL came from (`redis.url` or `REDIS_URL`) and the URL without its password.
 */
export async function redisState(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<StateStore | undefined> {
  const key = config.redis?.url ? 'redis.url' : 'REDIS_URL';
  const url = config.redis?.url ?? env.REDIS_URL;
  if (!url) return undefined;
  const { RedisStateStore } = await import('../manager/state/redis/index.js');
  const fields = { source: key, redis: redactUrl(url) };
  const secrets = secretsOfUrl(url);
  const tagged: Logger = {
    debug: (o, m) => logger.debug(scrubFields({ ...o, ...fields }, secrets), m),
    info: (o, m) => logger.info(scrubFields({ ...o, ...fields }, secrets), m),
    warn: (o, m) => logger.warn(scrubFields({ ...o, ...fields }, secrets), m),
    error: (o, m) => logger.error(scrubFields({ ...o, ...fields }, secrets), m),
  };
  try {
    const store = new RedisStateStore(url, {
      logger: tagged,
      ...(config.redis?.prefix ? { prefix: config.redis.prefix } : {}),
    });
    // Start at once (state is local until Redis answers), but say which setting points at an unreachable server.
    void store.ready(REDIS_READY_MS).then((ready) => {
      if (!ready)
        tagged.warn(
          {},
          `redis not reachable within ${REDIS_READY_MS} ms (${key}); routing state is local to this instance until it is. Check ${key}`,
        );
    });
    return store;
  } catch (err) {
    throw new ConfigError(
      `Cannot use Redis from ${key} (${redactUrl(url)}): ${scrubSecrets((err as Error).message, secrets)}`,
      { cause: err },
    );
  }
}

function scrubFields(fields: Record<string, unknown>, secrets: string[]): Record<string, unknown> {
  if (secrets.length === 0) return fields;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' ? scrubSecrets(v, secrets) : v;
  return out;
}

/** `postgres://user:pw@host/db` → `postgres://user:***@host/db`; not a URL → `(not shown)`. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(not shown: not a URL)';
  }
}

export function secretsOfUrl(value: string): string[] {
  try {
    const url = new URL(value);
    return url.password ? [url.password, decodeURIComponent(url.password)] : [];
  } catch {
    return [value];
  }
}
