import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Credential } from '../core/credential.js';
import { ConfigError } from '../core/errors.js';
import { parseServiceAccountKey, type ServiceAccountKey } from '../executors/vertex/service-account.js';
import { vertexCredential } from '../executors/vertex/vertex-credential.js';
import { hash53 } from '../manager/selectors/session-key.js';
import type { SwitchyardConfig } from './schema.js';

type VertexEntry = NonNullable<SwitchyardConfig['vertex']>[number];

/**
 * The credentials of the `vertex` section: each entry one Vertex AI credential, its service-account
 * key read from `service-account-file` (relative to `baseDir`, the config file's directory) or from
 * `service-account` inline, or its `api-key`. A key that cannot be read or is not a service-account
 * key is a {@link ConfigError} naming the entry's key (`vertex.0.service-account-file`), never quoting
 * the key. Without an `id`, the id is `vertex-` and a hash of the account's email and project (or of
 * the API key), stable across reloads.
 */
export function vertexCredentialsFromConfig(
  config: SwitchyardConfig,
  baseDir: string,
  globalProxy: string | undefined,
): Array<{ credential: Credential; id: string | undefined }> {
  return (config.vertex ?? []).map((entry, index) => ({
    credential: fromEntry(entry, `vertex.${index}`, baseDir, globalProxy),
    id: entry.id,
  }));
}

function fromEntry(entry: VertexEntry, where: string, baseDir: string, globalProxy: string | undefined): Credential {
  const common = {
    ...(entry.label ? { label: entry.label } : {}),
    ...(entry.project ? { project: entry.project } : {}),
    ...(entry.location ? { location: entry.location } : {}),
    ...(entry['base-url'] ? { baseUrl: entry['base-url'] } : {}),
    ...(entry['proxy-url'] || globalProxy ? { proxyUrl: entry['proxy-url'] || globalProxy } : {}),
    ...(entry.headers ? { headers: entry.headers } : {}),
    ...(entry.models ? { models: entry.models } : {}),
    ...(entry['excluded-models'] ? { excludedModels: entry['excluded-models'] } : {}),
    ...(entry.group ? { group: entry.group } : {}),
    ...(entry.prefix ? { prefix: entry.prefix } : {}),
    ...(entry.priority !== undefined ? { priority: entry.priority } : {}),
    ...(entry.weight !== undefined ? { weight: entry.weight } : {}),
  };
  if (entry['api-key'] !== undefined) {
    const id = entry.id ?? `vertex-${hash53(entry['api-key']).slice(0, 8)}`;
    return vertexCredential({ ...common, id, auth: { apiKey: entry['api-key'] } });
  }
  const key = readKey(entry, where, baseDir);
  const id = entry.id ?? `vertex-${hash53(`${key.client_email}|${entry.project ?? key.project_id}`).slice(0, 8)}`;
  return vertexCredential({ ...common, id, auth: { serviceAccount: key } });
}

function readKey(entry: VertexEntry, where: string, baseDir: string): ServiceAccountKey {
  const file = entry['service-account-file'];
  if (file === undefined) {
    return parseServiceAccountKey(entry['service-account'], `Invalid config: ${where}.service-account`);
  }
  const path = resolve(baseDir, file.replace(/^~(?=$|\/)/, process.env.HOME ?? '~'));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `Invalid config: ${where}.service-account-file: cannot read ${path} (${code}); give the path of the service account's JSON key, relative to the config file`,
      { cause: err },
    );
  }
  return parseServiceAccountKey(text, `Invalid config: ${where}.service-account-file (${path})`);
}
