import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { compact } from '../core/compact.js';
import type { Credential } from '../core/credential.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import {
  anthropicExecutor,
  azureOpenAIExecutor,
  bedrockExecutor,
  codexExecutor,
  geminiExecutor,
  openaiCompatibleExecutor,
  openaiExecutor,
  vertexExecutor,
} from '../executors/index.js';
import { mockExecutor } from '../executors/mock.js';
import type { Executor } from '../executors/types.js';
import { FileClientKeyStore } from '../http/client-keys/file-client-key-store.js';
import { MemoryClientKeyStore } from '../http/client-keys/memory-client-key-store.js';
import type { ClientKeyStore } from '../http/client-keys/types.js';
import { createHandler, type Handler, type HandlerOptions, type HandlerSettings } from '../http/index.js';
import { createProxyHandler, type ProxyHandler, type ProxyHandlerOptions } from '../http/proxy/create-proxy-handler.js';
import type { ManagementHandler } from '../management/index.js';
import { Manager, type ManagerOptions } from '../manager/manager.js';
import type { Selector } from '../manager/selectors/types.js';
import type { StateStore } from '../manager/state/types.js';
import { CombinedTokenStore } from '../manager/stores/combined/combined-token-store.js';
import { FileTokenStore } from '../manager/stores/file/file-token-store.js';
import { MemoryTokenStore } from '../manager/stores/memory/memory-token-store.js';
import type { TokenStore } from '../manager/stores/types.js';
import { saveLoginToManager } from '../oauth/credential-from-tokens.js';
import { OAuthFlows } from '../oauth/oauth-flows.js';
import { attachUsageSink } from '../observe/usage/attach-usage-sink.js';
import { SpendCounter } from '../observe/usage/spend.js';
import type { UsageSink } from '../observe/usage/types.js';
import { applyOAuthModelRules, type CompatibleProvider, credentialsFromConfig } from './credentials-from-config.js';
import { parseConfig } from './load-config.js';
import {
  postgresClientKeys,
  postgresSource,
  postgresStore,
  redactUrl,
  redisState,
  secretsOfUrl,
} from './stores-from-config.js';

export { redactUrl } from './stores-from-config.js';

import { managementFromConfig } from './management-from-config.js';
import { oauthProfilesFromConfig } from './oauth-from-config.js';
import { proxyServicesFromConfig } from './proxy-from-config.js';
import type { SwitchyardConfig } from './schema.js';
import { executorTimeouts, handlerSettings, managerSettings, selectorFor } from './settings.js';
import { type DefaultUsageSink, pricesFromConfig, usageSinkFromConfig } from './usage-from-config.js';

/** Options of {@link fromConfig}. */
export interface FromConfigOptions {
  logger?: Logger;
  /** Environment for `OPENAI_API_KEY` & co. and for `${NAME}` in the file. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Follow edits of the config file (and the auth directory). Default true when a path is given. */
  watch?: boolean;
  /** Shared routing state (e.g. a `RedisStateStore`). Default: in memory. */
  state?: StateStore;
  /** Where the auth directory's credentials live instead of files (e.g. a `PostgresTokenStore`). */
  tokenStore?: TokenStore;
  /** More executors (custom providers), next to the built-in ones. */
  executors?: Executor[];
  /** Serve clients without keys from any address, as `allow-unauthenticated: true` does. Default false. */
  allowUnauthenticated?: boolean;
  /** Options merged into the handler's. */
  handler?: Partial<HandlerOptions>;
  /** Options merged into the Manager's. */
  manager?: Partial<ManagerOptions>;
  /** Where usage records go, instead of what the config's `usage:` section asks for. */
  usageSink?: UsageSink;
  /** The sink when the config has no `usage:` section. Default `memory`; `switchyard serve` uses `file`. */
  defaultUsageSink?: DefaultUsageSink;
  /**
   * This process's name when several processes run the same config (`switchyard serve --workers N`
   * passes `w1`, `w2`, ...): the file usage sink then appends to its own file in the shared directory.
   * Letters, digits and `_`. Default: none.
   */
  instance?: string;
  /**
   * Whether the management API may start OAuth logins (`oauth-profiles`). Default true. `serve --workers N`
   * passes false: a login is held by the process that started it, and its callback or poll may reach
   * another worker, so the routes are not mounted there rather than failing half-way.
   */
  managementLogins?: boolean;
}

/** What {@link fromConfig} builds. */
export interface Switchyard {
  manager: Manager;
  handler: Handler;
  /** The usage ledger every request's record goes to (closed by `close()`). */
  usage: UsageSink;
  /**
   * The management API as `remote-management` configures it (off, every route 404, without a secret);
   * `switchyard serve` mounts it at `/v0/management`.
   */
  management: ManagementHandler;
  /**
   * The key-rotation proxy of the config's `proxy-services` (`ANY /proxy/{service}/...`, the same client
   * keys as `handler`); undefined without services. `switchyard serve` mounts it beside the handler.
   */
  proxy: ProxyHandler | undefined;
  /** The config in force (the last one that validated). */
  readonly config: SwitchyardConfig;
  /**
   * Re-reads the config file now. A broken file, or one that would remove every client key while keys
   * are in force, is refused (and logged) and the running config stays.
   */
  reload(): Promise<void>;
  /**
   * Stops watching, closes the Manager (new calls are refused, calls in flight get up to `graceMs`,
   * default 10 000, to finish) and then the stores and executors.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const DEFAULT_MOCK_CREDENTIALS = 2;
/** The file of client keys created through the management API, in the config file's directory. */
const CLIENT_KEY_FILE = 'client-keys.json';

/** Settings only read at start: an edit of them is logged as needing a restart. */
const RESTART_KEYS = [
  'host',
  'port',
  'workers',
  'tls',
  'auth-dir',
  'pgstore',
  'redis',
  'secret-key',
  'remote-management',
  'oauth-profiles',
  'proxy-url',
  'timeouts',
  'max-event-bytes',
  'max-json-depth',
  'request-retry',
  'max-retry-interval',
  'quota-exceeded',
  'force-model-prefix',
  'mock',
  'usage',
  'prices',
  'proxy-services',
] as const;

/**
 * Builds a Manager and an HTTP handler from a config file (CLIProxyAPI's keys) or a config object: the
 * providers' credentials, the auth directory, routing, retries, timeouts, limits, client keys. With a
 * path, edits to the file apply without a restart: only changed credentials are replaced, in-flight
 * requests finish on the old ones, a change of `routing` applies at once, a change of a start-only
 * setting (`host`, `port`, `tls`, ...) is logged as needing a restart, and a broken edit (or one that
 * removes every client key) is refused while the running config stays.
 *
 * The built-in `mock` provider serves only when no config was given at all (`source` undefined) and no
 * credentials exist in the environment or the auth directory, or when the config asks for it (`mock:
 * true` or a `mock:` section). A config with no usable credentials and no `mock` is refused.
 *
 * @example
 * ```ts
 * const { manager, handler, close } = await fromConfig('config.yaml');
 * http.createServer(createNodeListener(handler)).listen(8317);
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
    ? await readConfig(path, logger, env)
    : ((source as SwitchyardConfig | undefined) ?? {});

  // Files a config names (a Vertex service-account key) are read relative to it.
  const configDir = path ? dirname(path) : process.cwd();
  const prices = pricesFromConfig(config);
  const declared = credentialsFromConfig(config, env, configDir);
  const configStore = new MemoryTokenStore(declared.credentials);
  const authDir = expandHome(config['auth-dir'] ?? './auths');
  const pg = postgresSource(config, env);
  const authStore =
    options.tokenStore ??
    (pg ? await postgresStore(config, env, pg.dsn) : undefined) ??
    new FileTokenStore({ dir: authDir, watch: options.watch ?? path !== undefined });
  const cleanup: Array<TokenStore | StateStore | UsageSink> = [authStore];
  const fail = async (err: unknown): Promise<never> => {
    for (const s of cleanup) await Promise.resolve(s.close?.()).catch(() => undefined);
    throw err;
  };

  let stored: Credential[];
  try {
    stored = await authStore.list();
  } catch (err) {
    if (!pg || options.tokenStore) return fail(err);
    return fail(
      new ConfigError(
        `Cannot reach PostgreSQL from ${pg.key} (${redactUrl(pg.dsn)}): ${scrubSecrets((err as Error).message, secretsOfUrl(pg.dsn))}. Check the host, port, user and password in ${pg.key}`,
        { cause: err },
      ),
    );
  }
  const mockAsked = config.mock !== undefined && config.mock !== false;
  const usable = declared.credentials.length > 0 || stored.length > 0;
  // A gateway for proxied REST services only needs no LLM credential (and gets no mock).
  const proxyOnly = !usable && (config['proxy-services'] ?? []).length > 0;
  // With OAuth profiles the credentials come from logins (`switchyard login`, the management API).
  const awaitingLogin = !usable && Object.keys(config['oauth-profiles'] ?? {}).length > 0;
  if (!usable && !mockAsked && !proxyOnly && !awaitingLogin && source !== undefined) {
    return fail(
      new ConfigError(
        `${path ?? 'The config'} declares no usable credentials, so switchyard would have nothing to serve. ` +
          'Add an entry under claude-api-key, gemini-api-key, codex-api-key, openai-compatibility, azure-openai or vertex, ' +
          `put credential files in the auth directory (${authDir}), set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, ` +
          "write 'mock: true' to serve the offline mock provider, list REST services under proxy-services, " +
          'or define oauth-profiles and log an account in (switchyard login <profile>)',
      ),
    );
  }

  let state: StateStore | undefined;
  try {
    state = options.state ?? (await redisState(config, env, logger));
  } catch (err) {
    return fail(err);
  }
  if (state && !options.state) cleanup.push(state);

  let usage: UsageSink;
  try {
    usage =
      options.usageSink ??
      (await usageSinkFromConfig(config, {
        ...(path ? { configPath: path } : {}),
        fallback: options.defaultUsageSink ?? 'memory',
        ...(pg ? { pgDsn: pg.dsn } : {}),
        ...(options.instance ? { writer: options.instance } : {}),
        logger,
      }));
  } catch (err) {
    return fail(err);
  }
  if (!options.usageSink) cleanup.push(usage);
  const started = options.usageSink ? undefined : (usage as { start?: () => Promise<void> }).start;
  if (started) {
    // The ledger never stops the gateway: an unreachable database is retried in the background.
    void started
      .call(usage)
      .catch((err: Error) =>
        logger.warn({ error: err.message }, 'usage database not reachable yet; records are queued and retried'),
      );
  }

  const stores: TokenStore[] = [configStore, authStore];
  const mockSettings = typeof config.mock === 'object' ? config.mock : {};
  if (mockAsked || (!usable && !proxyOnly && !awaitingLogin)) {
    const count = mockSettings.credentials ?? DEFAULT_MOCK_CREDENTIALS;
    stores.push(
      new MemoryTokenStore(
        Array.from({ length: count }, (_, i) => ({
          id: `mock-${i + 1}`,
          provider: 'mock',
          ...(mockSettings.models ? { models: mockSettings.models.map((name) => ({ name })) } : {}),
        })),
      ),
    );
  }
  const store = new CombinedTokenStore(stores, {
    writeTo: authStore,
    decorate: (c) => (c.kind === 'oauth' ? applyOAuthModelRules(c, config) : c),
  });

  const custom = new Set((options.executors ?? []).map((e) => e.provider));
  const clash = declared.compatible.find((c) => custom.has(c.provider));
  if (clash) {
    return fail(
      new ConfigError(
        `openai-compatibility entry '${clash.name}' gives provider id '${clash.provider}', which a custom executor already has; rename the entry`,
      ),
    );
  }
  const transport = compact({ proxyUrl: globalProxy(config), ...executorTimeouts(config) });
  const compatibleExecutor = (c: CompatibleProvider) =>
    openaiCompatibleExecutor({ ...transport, provider: c.provider, baseUrl: c.baseUrl, responses: c.responses });
  const executors: Executor[] = [
    openaiExecutor(transport),
    codexExecutor(transport),
    anthropicExecutor(transport),
    geminiExecutor(transport),
    azureOpenAIExecutor(transport),
    bedrockExecutor(transport),
    vertexExecutor(transport),
    mockExecutor(mockSettings.models ? { models: mockSettings.models } : {}),
    ...declared.compatible.map(compatibleExecutor),
    ...(options.executors ?? []),
  ];

  const manager = new Manager({
    store,
    ...(state ? { state } : {}),
    executors,
    logger,
    ...managerSettings(config),
    ...(prices ? { prices } : {}),
    ...options.manager,
  });
  attachUsageSink(manager, usage);
  await manager.start();
  const allowAll = options.allowUnauthenticated === true;
  // Client keys made through the management API: in PostgreSQL beside the credentials when there is one
  // (every instance accepts them), else beside the config file, so they survive a restart.
  const clientKeys: ClientKeyStore = pg
    ? await postgresClientKeys(config, env, pg.dsn)
    : path
      ? new FileClientKeyStore(join(dirname(path), CLIENT_KEY_FILE))
      : new MemoryClientKeyStore();
  // Spend per client key for cost budgets: the same records (and cost numbers) the ledger keeps.
  const spend = new SpendCounter();
  const stopSeeding = await spend.seedUntilKnown(usage, {
    onError: (err) =>
      logger.warn(
        { error: err.message },
        'spend could not be read from the usage ledger: keys with cost budgets are refused until it can be (retrying every 30 s)',
      ),
  });
  manager.addHooks({ onUsage: (record) => spend.add(record) });
  const handler = createHandler(manager, {
    ...(handlerSettings(config, allowAll) as Partial<HandlerOptions>),
    keyStore: clientKeys,
    spend,
    logger,
    ...options.handler,
  });

  const proxyServices = proxyServicesFromConfig(config);
  let proxy: ProxyHandler | undefined;
  try {
    proxy =
      proxyServices.length === 0
        ? undefined
        : createProxyHandler(manager, {
            ...(proxySettings(handlerSettings(config, allowAll)) as Partial<ProxyHandlerOptions>),
            keyStore: clientKeys,
            logger,
            services: proxyServices,
            ...proxyTransport(config),
            ...pickProxyAccess(options.handler),
          });
  } catch (err) {
    await manager.close({ graceMs: 0 });
    return fail(err);
  }

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Refuses a config the running gateway must not take; returns its credentials. */
  const check = (next: SwitchyardConfig) => {
    const nextDeclared = credentialsFromConfig(next, env, configDir);
    refuseDroppedKeys(config, next, options.handler);
    return nextDeclared;
  };
  const reload = async () => {
    if (!path) return;
    let next: SwitchyardConfig;
    let nextDeclared: ReturnType<typeof credentialsFromConfig>;
    try {
      next = await readConfig(path, logger, env, true);
      nextDeclared = check(next);
    } catch (err) {
      logger.error({ path, error: (err as Error).message }, 'config edit refused; the running config stays');
      return;
    }
    for (const key of RESTART_KEYS) {
      if (JSON.stringify(config[key]) !== JSON.stringify(next[key])) {
        logger.warn({ path, key }, `'${key}' changed: restart switchyard to apply it; the running value stays`);
      }
    }
    if (JSON.stringify(config.routing) !== JSON.stringify(next.routing)) {
      setSelector(manager, selectorFor(next), logger);
    }
    await syncStore(configStore, nextDeclared.credentials);
    for (const c of nextDeclared.compatible) {
      if (!declared.compatible.some((d) => d.provider === c.provider)) manager.registerExecutor(compatibleExecutor(c));
    }
    declared.compatible = nextDeclared.compatible;
    try {
      proxy?.update({ ...proxySettings(handlerSettings(next, allowAll)), ...pickProxyAccess(options.handler) });
    } catch (err) {
      logger.error({ path, error: (err as Error).message }, 'config edit refused by the proxy; access settings stay');
    }
    try {
      handler.update({ ...(handlerSettings(next, allowAll) as HandlerSettings), ...pickUpdatable(options.handler) });
    } catch (err) {
      // The handler refuses settings that would open it (every key dropped): the old ones keep serving.
      logger.error({ path, error: (err as Error).message }, 'config edit refused by the handler; access settings stay');
    }
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

  const profiles = oauthProfilesFromConfig(config);
  const oauth =
    profiles.length === 0 || options.managementLogins === false
      ? undefined
      : new OAuthFlows({ profiles, logger, save: (credential) => saveLoginToManager(manager, credential) });
  const management = managementFromConfig(config, {
    manager,
    logger,
    env,
    path,
    check,
    reload,
    clientKeys,
    usage,
    oauth,
  });

  return {
    manager,
    handler,
    usage,
    management,
    proxy,
    get config() {
      return config;
    },
    reload,
    async close(closeOptions = {}) {
      watcher?.close();
      oauth?.close();
      stopSeeding();
      if (timer) clearTimeout(timer);
      await manager.close(closeOptions.graceMs === undefined ? {} : { graceMs: closeOptions.graceMs });
      for (const e of executors) await (e as { close?: () => Promise<void> }).close?.();
      await proxy?.close();
      await clientKeys.close?.();
      if (!options.usageSink) await usage.close();
    },
  };
}

/**
 * A reload may not turn authentication off by accident (a truncated write leaving `port: N`, a
 * dropped `api-keys`): removing every client key while keys are in force is refused.
 */
function refuseDroppedKeys(
  current: SwitchyardConfig,
  next: SwitchyardConfig,
  handlerOptions: Partial<HandlerOptions> | undefined,
): void {
  if (handlerOptions?.apiKeys || handlerOptions?.keys || handlerOptions?.authenticate) return;
  if ((current['api-keys'] ?? []).length === 0 || (next['api-keys'] ?? []).length > 0) return;
  throw new ConfigError(
    'the edit removes every client key (api-keys) while keys are in force, which would turn authentication off. ' +
      'Keep at least one key; to serve without keys, remove them and restart switchyard',
  );
}

function pickUpdatable(options: Partial<HandlerOptions> | undefined): HandlerSettings {
  if (!options) return {};
  const out: HandlerSettings = {};
  for (const name of ['apiKeys', 'keys', 'authenticate', 'allowUnauthenticated', 'maxBodyBytes'] as const) {
    if (options[name] !== undefined) Object.assign(out, { [name]: options[name] });
  }
  return out;
}

/** The client-access settings of the handler that the proxy shares (keys, who may call without one). */
function proxySettings(settings: ReturnType<typeof handlerSettings>): HandlerSettings {
  const out: HandlerSettings = {};
  if (settings.apiKeys) out.apiKeys = settings.apiKeys;
  if (settings.keys) out.keys = settings.keys;
  if (settings.allowUnauthenticated !== undefined) out.allowUnauthenticated = settings.allowUnauthenticated as never;
  return out;
}

function pickProxyAccess(options: Partial<HandlerOptions> | undefined): HandlerSettings {
  if (!options) return {};
  const out: HandlerSettings = {};
  for (const name of ['apiKeys', 'keys', 'authenticate', 'allowUnauthenticated'] as const) {
    if (options[name] !== undefined) Object.assign(out, { [name]: options[name] });
  }
  return out;
}

/** The upstream timeouts and global proxy, as the executors get them. */
function proxyTransport(config: SwitchyardConfig): Partial<ProxyHandlerOptions> {
  const t = executorTimeouts(config);
  const out: Partial<ProxyHandlerOptions> = {
    connectTimeoutMs: t.connectTimeoutMs,
    headersTimeoutMs: t.headersTimeoutMs,
    idleTimeoutMs: t.bodyTimeoutMs,
  };
  const global = globalProxy(config);
  if (global) out.proxyUrl = global;
  return out;
}

function setSelector(manager: Manager, selector: Selector, logger: Logger): void {
  manager.setSelector(selector);
  logger.info({ key: 'routing' }, 'routing changed: the new strategy applies to the next request');
}

function globalProxy(config: SwitchyardConfig): string | undefined {
  const proxy = config['proxy-url'];
  return proxy && proxy !== 'direct' ? proxy : undefined;
}

async function readConfig(
  path: string,
  logger: Logger,
  env: NodeJS.ProcessEnv,
  reloading = false,
): Promise<SwitchyardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  // An editor caught mid-write leaves an empty file: reloading it would drop every credential and key.
  if (reloading && text.trim() === '') throw new ConfigError(`The config file ${path} is empty`);
  const { config, warnings } = parseConfig(text, path, { env });
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
  return JSON.stringify(withoutFetchedToken(rest, b)) === JSON.stringify(b);
}

/**
 * A config entry that gets its tokens itself (an Entra ID app) is declared with an empty access token;
 * the running copy holds the one fetched since. Unchanged otherwise, it is the same entry: keeping it
 * keeps the token instead of fetching another on every reload.
 */
function withoutFetchedToken(running: Credential, declared: Credential): Credential {
  if (running.kind !== 'oauth' || declared.oauth?.accessToken !== '' || !running.oauth) return running;
  return { ...running, oauth: { ...running.oauth, accessToken: '', expiresAt: declared.oauth.expiresAt } };
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}
