import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import type { SwitchyardConfig } from '../config/schema.js';
import { postgresSource, postgresStore, redactUrl } from '../config/stores-from-config.js';
import { SwitchyardError } from '../core/errors.js';
import { parseServiceAccountKey } from '../executors/vertex/service-account.js';
import { vertexCredential } from '../executors/vertex/vertex-credential.js';
import { hash53 } from '../manager/selectors/session-key.js';
import { FileTokenStore } from '../manager/stores/file/file-token-store.js';
import type { TokenStore } from '../manager/stores/types.js';

export const IMPORT_HELP = `switchyard import — add a credential to the token store

Usage:
  switchyard import vertex <service-account.json> [options]

Adds a Google Vertex AI service account (its JSON key file) to the token store the config names:
PostgreSQL (pgstore, or PGSTORE_DSN; secrets encrypted when secret-key or SWITCHYARD_SECRET_KEY
is set), else the auth directory (auth-dir, default ./auths; files mode 0600). A running gateway
picks it up without a restart.

Options:
  -c, --config <file>   The gateway's YAML config (for its token store). Default: ./auths.
      --id <id>         Credential id. Default: vertex-<project>-<hash of the account>.
      --project <id>    Google Cloud project. Default: the key's project_id.
      --location <loc>  Region, us, eu or global. Default global.
      --base-url <url>  Base URL instead of the location's host (a private endpoint).
      --label <text>    A readable name for logs and the status API.
  -h, --help            This help.
`;

/** Where the command writes and reads. */
export interface ImportIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

/**
 * `switchyard import vertex <service-account.json>`: validates the key file, builds the Vertex AI
 * credential (the private key in its secret field) and saves it to the configured token store.
 * Returns the exit code: 0 saved, 1 refused (the message says why, never quoting the key), 2 usage.
 */
export async function runImport(args: string[], io: ImportIo): Promise<number> {
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (err) {
    io.stderr(`switchyard import: ${(err as Error).message}\n\n${IMPORT_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(IMPORT_HELP);
    return 0;
  }
  const [kind, file, ...extra] = positionals;
  if (kind !== 'vertex' || file === undefined || extra.length > 0) {
    const what =
      kind === undefined ? 'say what to import' : kind !== 'vertex' ? `cannot import "${kind}"` : 'name the key file';
    io.stderr(`switchyard import: ${what}\n\n${IMPORT_HELP}`);
    return 2;
  }
  let store: TokenStore | undefined;
  try {
    const path = resolve(file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      io.stderr(`switchyard import: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
      return 1;
    }
    const key = parseServiceAccountKey(text, path);
    const project = values.project ?? key.project_id;
    const id = values.id ?? `vertex-${slug(project)}-${hash53(key.client_email).slice(0, 6)}`;
    const credential = vertexCredential({
      id,
      project,
      ...(values.location ? { location: values.location } : {}),
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      label: values.label ?? key.client_email,
      auth: { serviceAccount: key },
    });
    const config: SwitchyardConfig = values.config ? (await loadConfig(values.config, { env: io.env })).config : {};
    const target = await openStore(config, io.env);
    store = target.store;
    const existed = (await store.get(id)) !== undefined;
    await store.save(credential);
    io.stdout(
      `${existed ? 'replaced' : 'added'} ${id} (vertex, ${key.client_email}, project ${project}, location ${values.location ?? 'global'}) in ${target.where}\n`,
    );
    return 0;
  } catch (err) {
    io.stderr(`switchyard import: ${SwitchyardError.is(err) || err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await store?.close?.();
  }
}

function parseImportArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      id: { type: 'string' },
      project: { type: 'string' },
      location: { type: 'string' },
      'base-url': { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

/** The token store `switchyard serve` would use with this config: PostgreSQL when named, else the auth directory. */
export async function openStore(
  config: SwitchyardConfig,
  env: NodeJS.ProcessEnv,
): Promise<{ store: TokenStore; where: string }> {
  const pg = postgresSource(config, env);
  if (pg) {
    const encrypted = (config['secret-key'] ?? env.SWITCHYARD_SECRET_KEY) ? ', secrets encrypted' : '';
    return { store: await postgresStore(config, env, pg.dsn), where: `PostgreSQL ${redactUrl(pg.dsn)}${encrypted}` };
  }
  const configured = config['auth-dir'] ?? './auths';
  const dir = configured === '~' || configured.startsWith('~/') ? `${homedir()}${configured.slice(1)}` : configured;
  return { store: new FileTokenStore({ dir, watch: false }), where: `the auth directory ${resolve(dir)}` };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'project'
  );
}
