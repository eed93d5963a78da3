import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { compact } from '../core/compact.js';
import type { Credential } from '../core/credential.js';
import { ConfigError } from '../core/errors.js';
import { anthropicExecutor, geminiExecutor, openaiExecutor } from '../executors/index.js';
import { mockExecutor } from '../executors/mock.js';
import type { Executor } from '../executors/types.js';
import { createHandler, type Handler, type HandlerOptions } from '../http/index.js';
import type { Logger } from '../manager/logger.js';
import { silentLogger } from '../manager/logger.js';
import { Manager, type ManagerOptions } from '../manager/manager.js';
import { FillFirstSelector } from '../manager/selectors/fill-first.js';
import { LeastInFlightSelector } from '../manager/selectors/least-in-flight.js';
import { PrioritySelector } from '../manager/selectors/priority.js';
import { RoundRobinSelector } from '../manager/selectors/round-robin.js';
import { StickySelector } from '../manager/selectors/sticky.js';
import type { Selector } from '../manager/selectors/types.js';
import { WeightedSelector } from '../manager/selectors/weighted.js';
import type { StateStore } from '../manager/state/types.js';
import { CombinedTokenStore } from '../manager/stores/combined-token-store.js';
import { FileTokenStore } from '../manager/stores/file-token-store.js';
import { MemoryTokenStore } from '../manager/stores/memory-token-store.js';
import type { TokenStore } from '../manager/stores/types.js';
import { applyOAuthModelRules, credentialsFromConfig } from './credentials-from-config.js';
import { parseConfig } from './load-config.js';
import type { SwitchyardConfig } from './schema.js';

/** Options of {@link fromConfig}. */
export interface FromConfigOptions {
  logger?: Logger;
  /** Environment for `OPENAI_API_KEY` & co. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Follow edits of the config file (and the auth directory). Default true when a path is given. */
  watch?: boolean;
  /** Shared routing state (e.g. a `RedisStateStore`). Default: in memory. */
  state?: StateStore;
  /** Where the auth directory's credentials live instead of files (e.g. a `PostgresTokenStore`). */
  tokenStore?: TokenStore;
  /** More executors (custom providers), next to the built-in ones. */
  executors?: Executor[];
  /** Options merged into the handler's. */
  handler?: Partial<HandlerOptions>;
  /** Options merged into the Manager's. */
  manager?: Partial<ManagerOptions>;
}

/** What {@link fromConfig} builds. */
export interface Switchyard {
  manager: Manager;
  handler: Handler;
  /** The config in force (the last one that validated). */
  readonly config: SwitchyardConfig;
  /** Re-reads the config file now. A broken file is refused (and logged) and the running config stays. */
  reload(): Promise<void>;
  /** Stops watching and closes the stores and executors. */
  close(): Promise<void>;
}

const DEFAULT_MOCK_CREDENTIALS = 2;

/**
 * Builds a Manager and an HTTP handler from a config file (CLIProxyAPI's keys) or a config object: the
 * providers' credentials, the auth directory, routing, retries, client keys. With a path, edits to the
 * file apply without a restart: only changed credentials are replaced, in-flight requests finish on the
 * old ones, and a broken edit is refused while the running config stays.
 *
 * With no provider credentials anywhere (file, auth directory, environment), the built-in `mock` provider
 * serves, so everything can be tried offline.
 *
 * @example
 * ```ts
 * const { manager, handler, close } = await fromConfig('config.yaml');
 * http.createServer(toNodeListener(handler)).listen(8317);
 * ```
 */
export async function fromConfig(
  source: string | SwitchyardConfig | undefined,
  options: FromConfigOptions = {},
): Promise<Switchyard> {
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? process.env;
  const path = typeof source === 'string' ? resolve(source) : undefined;
  let config: SwitchyardConfig = path
    ? await readConfig(path, logger)
    : ((source as SwitchyardConfig | undefined) ?? {});

  const declared = credentialsFromConfig(config, env);
  const configStore = new MemoryTokenStore(declared.credentials);
  const authDir = expandHome(config['auth-dir'] ?? './auths');
  const authStore =
    options.tokenStore ??
    (await postgresStore(config, env)) ??
    new FileTokenStore({ dir: authDir, watch: options.watch ?? path !== undefined });
  const state = options.state ?? (await redisState(config, env, logger));
  const stores: TokenStore[] = [configStore, authStore];
  const onlyMock = declared.credentials.length === 0 && (await authStore.list()).length === 0;
  let mockStore: MemoryTokenStore | undefined;
  if (onlyMock || config.mock) {
    const count = config.mock?.credentials ?? DEFAULT_MOCK_CREDENTIALS;
    mockStore = new MemoryTokenStore(
      Array.from({ length: count }, (_, i) => ({
        id: `mock-${i + 1}`,
        provider: 'mock',
        ...(config.mock?.models ? { models: config.mock.models.map((name) => ({ name })) } : {}),
      })),
    );
    stores.push(mockStore);
  }
  const store = new CombinedTokenStore(stores, {
    writeTo: authStore,
    decorate: (c) => (c.kind === 'oauth' ? applyOAuthModelRules(c, config) : c),
  });

  const shared = { proxyUrl: config['proxy-url'] || undefined };
  const executors: Executor[] = [
    openaiExecutor(compact(shared)),
    anthropicExecutor(compact(shared)),
    geminiExecutor(compact(shared)),
    mockExecutor(config.mock?.models ? { models: config.mock.models } : {}),
    ...declared.compatible.map((c) => openaiExecutor(compact({ ...shared, provider: c.provider, baseUrl: c.baseUrl }))),
    ...(options.executors ?? []),
  ];

  const manager = new Manager({
    store,
    ...(state ? { state } : {}),
    executors,
    logger,
    ...managerSettings(config),
    ...options.manager,
  });
  await manager.start();
  const handler = createHandler(manager, { ...handlerSettings(config), logger, ...options.handler });

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const reload = async () => {
    if (!path) return;
    let next: SwitchyardConfig;
    try {
      next = await readConfig(path, logger, true);
      // Refused (e.g. it drops every client key while keys are in force) before anything else changes.
      handler.update(handlerSettings(next));
    } catch (err) {
      logger.error({ path, error: (err as Error).message }, 'config edit refused; the running config stays');
      return;
    }
    const nextDeclared = credentialsFromConfig(next, env);
    await syncStore(configStore, nextDeclared.credentials);
    for (const c of nextDeclared.compatible) {
      if (!declared.compatible.some((d) => d.provider === c.provider)) {
        manager.registerExecutor(openaiExecutor(compact({ ...shared, provider: c.provider, baseUrl: c.baseUrl })));
      }
    }
    declared.compatible = nextDeclared.compatible;
    config = next;
    logger.info({ path, credentials: nextDeclared.credentials.length }, 'config reloaded');
  };
  if (path && (options.watch ?? true)) {
    // Watch the directory: editors replace the file (rename), which ends a watch on the file itself.
    watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
      if (name && name.toString() !== basename(path)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void reload(), 100);
      timer.unref?.();
    });
  }

  return {
    manager,
    handler,
    get config() {
      return config;
    },
    reload,
    async close() {
      watcher?.close();
      if (timer) clearTimeout(timer);
      await manager.close();
      for (const e of executors) await (e as { close?: () => Promise<void> }).close?.();
    },
  };
}

/** A PostgresTokenStore when the config or `PGSTORE_DSN` asks for one; `pg` is loaded only then. */
async function postgresStore(config: SwitchyardConfig, env: NodeJS.ProcessEnv): Promise<TokenStore | undefined> {
  const dsn = config.pgstore?.dsn ?? env.PGSTORE_DSN;
  if (!dsn) return undefined;
  const { PostgresTokenStore } = await import('../stores/postgres/index.js');
  const schema = config.pgstore?.schema ?? env.PGSTORE_SCHEMA;
  const table = config.pgstore?.table ?? env.PGSTORE_TABLE;
  const secretKey = config['secret-key'] ?? env.SWITCHYARD_SECRET_KEY;
  return new PostgresTokenStore(dsn, {
    ...(schema ? { schema } : {}),
    ...(table ? { table } : {}),
    ...(secretKey ? { secretKey } : {}),
  });
}

/** A RedisStateStore when the config or `REDIS_URL` asks for one; `ioredis` is loaded only then. */
async function redisState(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<StateStore | undefined> {
  const url = config.redis?.url ?? env.REDIS_URL;
  if (!url) return undefined;
  const { RedisStateStore } = await import('../stores/redis/index.js');
  return new RedisStateStore(url, { logger, ...(config.redis?.prefix ? { prefix: config.redis.prefix } : {}) });
}

async function readConfig(path: string, logger: Logger, reloading = false): Promise<SwitchyardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  // An editor caught mid-write leaves an empty file: reloading it would drop every credential and key.
  if (reloading && text.trim() === '') throw new ConfigError(`The config file ${path} is empty`);
  const { config, warnings } = parseConfig(text, path);
  for (const warning of warnings) logger.warn({ path }, warning);
  return config;
}

/** Saves the changed and new credentials and deletes the removed ones; unchanged ones are left alone. */
async function syncStore(store: MemoryTokenStore, next: readonly Credential[]): Promise<void> {
  const current = new Map((await store.list()).map((c) => [c.id, c]));
  for (const credential of next) {
    const existing = current.get(credential.id);
    current.delete(credential.id);
    if (existing && same(existing, credential)) continue;
    await store.save(credential);
  }
  for (const id of current.keys()) await store.delete(id);
}

function same(a: Credential, b: Credential): boolean {
  const { version: _v, ...rest } = a;
  return JSON.stringify(rest) === JSON.stringify(b);
}

/** The Manager options a config sets. */
export function managerSettings(config: SwitchyardConfig): Partial<ManagerOptions> {
  const out: Partial<ManagerOptions> = { selector: selectorFor(config) };
  if (config['request-retry'] !== undefined) out.retry = { attempts: config['request-retry'] + 1 };
  if (config['max-retry-interval'] !== undefined)
    out.retry = { ...out.retry, maxWaitMs: config['max-retry-interval'] * 1000 };
  const quota = config['quota-exceeded'];
  const behaviour = typeof quota === 'string' ? quota : quota?.behavior;
  if (behaviour) out.quotaExceeded = behaviour;
  if (config['force-model-prefix'] !== undefined) out.forceModelPrefix = config['force-model-prefix'];
  return out;
}

function selectorFor(config: SwitchyardConfig): Selector {
  const strategy = config.routing?.strategy ?? 'round-robin';
  const inner: Selector =
    strategy === 'fill-first'
      ? new FillFirstSelector()
      : strategy === 'weighted-round-robin'
        ? new WeightedSelector()
        : strategy === 'least-in-flight'
          ? new LeastInFlightSelector()
          : new RoundRobinSelector();
  const tiered = new PrioritySelector(inner);
  if (!config.routing?.['session-affinity']) return tiered;
  return new StickySelector(tiered, { ttlMs: durationMs(config.routing['session-affinity-ttl'] ?? 3600) });
}

function handlerSettings(config: SwitchyardConfig): Partial<HandlerOptions> {
  const apiKeys = config['api-keys'] ?? [];
  // Without client keys the handler must be told who may call it: local clients only.
  return apiKeys.length > 0 ? { apiKeys } : { apiKeys, allowUnauthenticated: 'loopback' };
}

/** `90` (seconds), `"30m"`, `"1h"`, `"500ms"` → ms. */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match) return 3_600_000;
  const n = Number(match[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}
