import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parseArgs } from 'node:util';
import { toNodeListener } from '../adapters/node/index.js';
import { fromConfig } from '../config/from-config.js';
import { loadConfig } from '../config/load-config.js';
import { SwitchyardError } from '../core/errors.js';
import { createCliLogger } from './logger.js';

const HELP = `switchyard — many LLM provider credentials behind one endpoint

Usage:
  switchyard serve [options]     run the gateway
  switchyard --help              this help

Run "switchyard serve --help" for the options of serve.
`;

const SERVE_HELP = `switchyard serve — run the gateway

Usage:
  switchyard serve [--config file] [--host addr] [--port n]

Options:
  -c, --config <file>   YAML config (CLIProxyAPI's keys: api-keys, auth-dir, claude-api-key, ...).
                        Without one: 127.0.0.1:8317, credentials from ./auths and the environment
                        (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY), else the offline mock provider.
      --host <addr>     Address to listen on (overrides the config's host). Default 127.0.0.1.
  -p, --port <n>        Port to listen on (overrides the config's port). Default 8317.
      --grace <ms>      On SIGINT/SIGTERM, how long in-flight streams may finish. Default 10000.
      --log-level <l>   debug | info | warn | error. Default info (debug when the config says debug: true).
  -h, --help            This help.

Edits to the config file and the auth directory apply without a restart.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
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
      grace: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

async function serve(values: ReturnType<typeof parseServeArgs>): Promise<number> {
  let level = values['log-level'] as 'debug' | 'info' | 'warn' | 'error' | undefined;
  if (level === undefined && values.config) {
    // `debug: true` in the file raises the level; a file that does not load is reported by fromConfig below.
    level = await loadConfig(values.config).then(
      ({ config }) => (config.debug ? 'debug' : 'info'),
      () => 'info' as const,
    );
  }
  const logger = createCliLogger({ level: level ?? 'info' });
  let app: Awaited<ReturnType<typeof fromConfig>>;
  try {
    app = await fromConfig(values.config, { logger });
  } catch (err) {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { config } = app;
  const host = values.host ?? (config.host || '127.0.0.1');
  const port = values.port !== undefined ? Number(values.port) : (config.port ?? 8317);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`switchyard serve: --port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  const listener = toNodeListener(app.handler);
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
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const scheme = config.tls?.enable ? 'https' : 'http';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const credentials = app.manager.credentials();
  const providers = [...new Set(credentials.map((c) => c.provider))];
  const models = await app.manager.listModels();
  process.stdout.write(
    [
      `switchyard listening on ${scheme}://${shownHost}:${actualPort}`,
      `  providers:   ${providers.join(', ') || '(none)'}`,
      `  credentials: ${credentials.map((c) => `${c.id} (${c.provider})`).join(', ') || '(none)'}`,
      `  models:      ${models.map((m) => m.id).join(', ') || 'any model of the providers above'}`,
      `  client keys: ${(config['api-keys'] ?? []).length > 0 ? `${config['api-keys']!.length} configured` : 'none (loopback only)'}`,
      '',
    ].join('\n'),
  );

  const grace = values.grace !== undefined ? Number(values.grace) : 10_000;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: grace }, 'stopping: no new connections, in-flight requests may finish');
    const force = setTimeout(() => server.closeAllConnections(), grace);
    force.unref();
    // A keep-alive connection goes idle once its in-flight answer ends; close it then, not at its timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      void app.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = SwitchyardError.is(err) || err instanceof Error ? err.message : String(err);
    process.stderr.write(`switchyard: ${message}\n`);
    process.exitCode = 1;
  },
);
