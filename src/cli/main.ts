import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parseArgs } from 'node:util';
import { createNodeListener } from '../adapters/node/index.js';
import { fromConfig } from '../config/from-config.js';
import { loadConfig } from '../config/load-config.js';
import type { SwitchyardConfig } from '../config/schema.js';
import { SwitchyardError } from '../core/errors.js';
import { combineHandlers } from '../http/combine-handlers.js';
import {
  clusterStateStore,
  onReload,
  parseWorkers,
  reportReady,
  runPrimary,
  tagLogger,
  workerIndex,
} from './cluster.js';
import { runImport } from './import-command.js';
import { createCliLogger } from './logger.js';
import { runLogin, runLogout } from './login-command.js';
import { metricsRoute } from './metrics-route.js';

const HELP = `switchyard — many LLM provider credentials behind one endpoint

Usage:
  switchyard serve [options]     run the gateway
  switchyard import vertex <key.json> [options]
                                 add a Vertex AI service account to the token store
  switchyard login <profile> [--device | --no-browser]
                                 sign an OAuth account in (a profile of oauth-profiles:)
  switchyard logout <credential> revoke an OAuth credential and delete it
  switchyard --help              this help

Run "switchyard serve --help" for the options of serve.
`;

const SERVE_HELP = `switchyard serve — run the gateway

Usage:
  switchyard serve [--config file] [--host addr] [--port n] [--workers n|auto] [--allow-unauthenticated]

Options:
  -c, --config <file>   YAML config (CLIProxyAPI's keys: api-keys, auth-dir, claude-api-key, ...).
                        Without one: 127.0.0.1:8317, credentials from ./auths and the environment
                        (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY), else the offline mock provider.
                        A config file must name credentials or say "mock: true".
      --host <addr>     Address to listen on (overrides the config's host). Default 127.0.0.1.
  -p, --port <n>        Port to listen on (overrides the config's port). Default 8317.
      --allow-unauthenticated
                        Serve clients without keys on a non-loopback address (as the config's
                        "allow-unauthenticated: true"). Without client keys (api-keys) switchyard
                        otherwise refuses to listen anywhere but loopback.
      --workers <n|auto>
                        Processes serving the same port (node:cluster; "auto": one per core). Default 1
                        (as the config's "workers:"). Without Redis (redis.url) each worker keeps its own
                        cursors, cooldowns and rate limits; see docs/config.md.
      --grace <ms>      On SIGINT/SIGTERM, how long in-flight requests and streams may finish. Default 10000.
      --log-level <l>   debug | info | warn | error. Default info (debug when the config says debug: true).
      --log-format <f>  text (one readable line per entry, default) | json (pino-compatible).
  -h, --help            This help.

Usage records (tokens and cost of every request) go to JSON-lines files in usage/ next to the
config file (./usage without one), kept 30 days; the config's "usage:" section changes that.

With "proxy-services:" in the config, ANY /proxy/{service}/{path} forwards to each REST service
with one of its keys (see docs/proxy.md).

Edits to the config file and the auth directory apply without a restart.
With prom-client installed, GET /metrics serves Prometheus metrics to loopback clients.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'import') {
    return runImport(rest, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
    });
  }
  if (command === 'login' || command === 'logout') {
    const controller = new AbortController();
    const onInt = () => controller.abort();
    process.once('SIGINT', onInt);
    const io = {
      stdout: (text: string) => process.stdout.write(text),
      stderr: (text: string) => process.stderr.write(text),
      env: process.env,
      signal: controller.signal,
    };
    try {
      return await (command === 'login' ? runLogin(rest, io) : runLogout(rest, io));
    } finally {
      process.off('SIGINT', onInt);
    }
  }
  if (command !== 'serve') {
    process.stderr.write(`switchyard: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  let values: ReturnType<typeof parseServeArgs>;
  try {
    values = parseServeArgs(rest);
  } catch (err) {
    process.stderr.write(`switchyard serve: ${(err as Error).message}\n\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  return serve(values);
}

function parseServeArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      workers: { type: 'string' },
      grace: { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'allow-unauthenticated': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

async function serve(values: ReturnType<typeof parseServeArgs>): Promise<number> {
  const format = values['log-format'] ?? 'text';
  if (format !== 'text' && format !== 'json') {
    process.stderr.write(`switchyard serve: --log-format must be text or json, got "${format}"\n`);
    return 2;
  }
  const level = values['log-level'] ?? (values.config ? await debugLevel(values.config) : 'info');
  if (!LOG_LEVELS.has(level)) {
    process.stderr.write(`switchyard serve: --log-level must be debug, info, warn or error, got "${level}"\n`);
    return 2;
  }
  const grace = values.grace !== undefined ? Number(values.grace) : 10_000;
  if (!Number.isFinite(grace) || grace < 0) {
    process.stderr.write(`switchyard serve: --grace must be a number of milliseconds, got "${values.grace}"\n`);
    return 2;
  }
  const cliLogger = createCliLogger({ level: level as 'info', format });
  const worker = workerIndex();
  if (worker === undefined) {
    // The primary of --workers N, or the single process: read the count (the CLI's wins over the file's).
    const file = values.config
      ? await loadConfig(values.config).then(
          ({ config: c }) => c,
          () => undefined,
        )
      : undefined;
    let workers: number;
    try {
      workers =
        values.workers !== undefined
          ? parseWorkers(values.workers)
          : file?.workers !== undefined
            ? parseWorkers(file.workers, 'workers (in the config file)')
            : 1;
    } catch (err) {
      process.stderr.write(`switchyard serve: ${(err as Error).message}\n`);
      return 2;
    }
    if (workers > 1) {
      const logger = tagLogger(cliLogger, 'primary');
      const shared = sharedState(file ?? {}, process.env);
      if (!shared.redis) logger.warn({ workers }, memoryStateWarning(workers, shared.usage));
      const code = await runPrimary({
        workers,
        graceMs: grace,
        logger,
        notes: [
          `state:       ${shared.redis ? 'shared through Redis' : 'per worker (no redis.url): see the warning above'}`,
          // A login lives in the process that started it; its callback or poll may reach another worker.
          ...(Object.keys(file?.['oauth-profiles'] ?? {}).length > 0
            ? [
                'oauth:       logins by switchyard login <profile> only (the management API offers none with several workers)',
              ]
            : []),
        ],
        stdout: (text) => process.stdout.write(text),
      });
      process.exit(code);
    }
  }
  const logger = worker === undefined ? cliLogger : tagLogger(cliLogger, worker);
  const allowFlag = values['allow-unauthenticated'] === true;
  let app: Awaited<ReturnType<typeof fromConfig>>;
  try {
    app = await fromConfig(values.config, {
      logger,
      allowUnauthenticated: allowFlag,
      defaultUsageSink: 'file',
      ...(worker === undefined ? {} : await workerOptions(values.config, worker)),
    });
  } catch (err) {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { config } = app;
  const host = values.host ?? (config.host || '127.0.0.1');
  const port = values.port !== undefined ? Number(values.port) : (config.port ?? 8317);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`switchyard serve: --port must be a port number, got "${values.port}"\n`);
    await app.close({ graceMs: 0 });
    return 2;
  }
  const keys = (config['api-keys'] ?? []).length;
  const open = allowFlag || config['allow-unauthenticated'] === true;
  if (keys === 0 && !open && !isLoopbackHost(host)) {
    process.stderr.write(
      `switchyard serve: refusing to listen on ${host} without client keys: anyone who reaches it could use your provider credentials.\n` +
        `  Add client keys to the config (api-keys: [sk-...]), listen on 127.0.0.1, or allow it explicitly\n` +
        `  with --allow-unauthenticated or "allow-unauthenticated: true" in the config.\n`,
    );
    await app.close({ graceMs: 0 });
    return 2;
  }
  const metrics = await metricsRoute(app.manager, app.management, logger, app.usage);
  const mounted = [app.management, ...(metrics ? [metrics] : []), ...(app.proxy ? [app.proxy] : [])];
  const listener = createNodeListener(combineHandlers(app.handler, ...mounted));
  const server: Server = config.tls?.enable
    ? createHttpsServer(
        { cert: readFileSync(config.tls.cert ?? ''), key: readFileSync(config.tls.key ?? '') },
        listener,
      )
    : createHttpServer(listener);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  // Signal handlers go in before the banner: a supervisor may signal as soon as it reads it.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: grace }, 'stopping: no new connections, in-flight requests may finish');
    // The Manager stops taking work first (a request on a kept-alive connection gets a 503 in its
    // dialect), then the server stops accepting connections; in-flight calls get the grace period.
    const draining = app.close({ graceMs: grace });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A keep-alive connection goes idle once its in-flight answer ends; close it then, not at its timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.closeIdleConnections();
    // Past the grace period the Manager has aborted what was left; drop connections that still linger.
    const force = setTimeout(() => server.closeAllConnections(), grace + 1_000);
    force.unref();
    Promise.all([draining, closed]).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ error: err instanceof Error ? err.message : String(err) }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (worker !== undefined) {
    // The primary forwards SIGHUP; a hang-up sent to the whole process group reloads too instead of killing.
    const reload = () => void app.reload();
    onReload(reload);
    process.on('SIGHUP', reload);
    // A primary that went away (killed with SIGKILL) leaves no orphan serving the port.
    cluster.worker?.once('disconnect', () => stop('primary gone'));
  }
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const scheme = config.tls?.enable ? 'https' : 'http';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const credentials = app.manager.credentials();
  const providers = [...new Set(credentials.map((c) => c.provider))];
  const models = await app.manager.listModels();
  const auth =
    keys > 0
      ? `client keys required (${keys} configured)`
      : open
        ? 'NONE: no client keys, every client that reaches this address is served (allow-unauthenticated)'
        : 'no client keys: loopback clients only (requests with forwarding headers are refused)';
  const banner = [
    `switchyard listening on ${scheme}://${shownHost}:${actualPort}`,
    `  providers:   ${providers.join(', ') || '(none)'}`,
    `  credentials: ${credentials.map((c) => `${c.id} (${c.provider}${c.label ? `, ${c.label}` : ''})`).join(', ') || '(none)'}`,
    `  models:      ${models.map((m) => m.id).join(', ') || 'any model of the providers above'}`,
    `  auth:        ${auth}`,
    ...(app.proxy ? [`  proxy:       ${[...app.proxy.pools.keys()].map((n) => `/proxy/${n}/`).join(', ')}`] : []),
    `  management:  ${managementLine(app.management.handles('/v0/management'), config['remote-management']?.['allow-remote'] === true)}`,
    ...(app.management.handles('/manage/') ? [`  dashboard:   ${scheme}://${shownHost}:${actualPort}/manage/`] : []),
    '',
  ].join('\n');
  // Workers report to the primary, which prints one banner once every worker listens.
  if (worker === undefined) process.stdout.write(banner);
  else reportReady(banner);

  return new Promise<number>(() => {});
}

/** What a config shares between the workers of `--workers N`, and where its usage records go. */
function sharedState(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
): { redis: boolean; usage: 'memory' | 'file' | 'postgres' } {
  return {
    redis: Boolean(config.redis?.url ?? env.REDIS_URL),
    usage: config.usage ? (config.usage.sink ?? 'file') : 'file',
  };
}

/** The one warning of `--workers N` without Redis: what each worker keeps for itself, and how to share it. */
function memoryStateWarning(workers: number, usage: 'memory' | 'file' | 'postgres'): string {
  const ledger =
    usage === 'memory'
      ? 'the in-memory usage ledger (each worker answers usage queries with its own records; usage.sink: postgres shares it)'
      : usage === 'file'
        ? 'the usage ledger read back at start (each worker appends to its own usage.w<N>.jsonl and answers queries with the records of its own run; usage.sink: postgres shares it)'
        : undefined;
  return (
    `${workers} workers without Redis: round-robin cursors, cooldowns, in-flight counts, circuit breakers, ` +
    'client rate limits and sticky sessions' +
    (ledger ? `, and ${ledger},` : '') +
    ' are per worker: a credential cooling down in one worker can still be picked by another, and a limit of ' +
    `N requests per minute lets up to ${workers}×N through. To share routing state and limits, set redis.url ` +
    '(or REDIS_URL). Dashboard logins stay per worker even then (log in again, or use a one-worker instance for ' +
    'the dashboard). Credential refreshes are locked across workers by the primary either way.'
  );
}

/** What a worker of `--workers N` passes to fromConfig: its name, and the primary's refresh locks without Redis. */
async function workerOptions(
  path: string | undefined,
  worker: number,
): Promise<{ instance: string; managementLogins: false; state?: ReturnType<typeof clusterStateStore> }> {
  const file = path
    ? await loadConfig(path).then(
        ({ config }) => config,
        () => undefined,
      )
    : undefined;
  const { redis } = sharedState(file ?? {}, process.env);
  return {
    instance: `w${worker}`,
    managementLogins: false,
    ...(redis ? {} : { state: clusterStateStore() }),
  };
}

/** What the banner says about the management API. */
function managementLine(on: boolean, remote: boolean): string {
  if (!on) return 'off (set remote-management.secret-key or SWITCHYARD_MANAGEMENT_KEY to turn it on)';
  return `/v0/management (${remote ? 'remote peers allowed' : 'loopback peers only'})`;
}

const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** `debug: true` in the file raises the level; a file that does not load is reported by fromConfig. */
function debugLevel(path: string): Promise<string> {
  return loadConfig(path).then(
    ({ config }) => (config.debug ? 'debug' : 'info'),
    () => 'info',
  );
}

/** Whether a listen address only accepts connections from this host. */
function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A worker's channel to the primary keeps it alive: a worker that could not start exits now.
    if (cluster.isWorker) process.exit(code);
  },
  (err: unknown) => {
    const message = SwitchyardError.is(err) || err instanceof Error ? err.message : String(err);
    process.stderr.write(`switchyard: ${message}\n`);
    process.exitCode = 1;
    if (cluster.isWorker) process.exit(1);
  },
);
