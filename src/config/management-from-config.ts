import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ClientKeyStore } from '../http/client-keys/types.js';
import { createDashboardHandler, createManagementHandler, type ManagementHandler } from '../management/index.js';
import type { Manager } from '../manager/manager.js';
import { writeAtomic } from '../manager/stores/file/write-atomic.js';
import type { OAuthFlows } from '../oauth/oauth-flows.js';
import type { UsageSink } from '../observe/usage/types.js';
import { parseConfig } from './load-config.js';
import { maskConfigText, restoreMaskedSecrets } from './mask-config.js';
import type { SwitchyardConfig } from './schema.js';

/** What the management handler needs from the gateway built from a config file. */
export interface ManagementSetup {
  manager: Manager;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** The config file, when the gateway was built from one (enables `GET`/`PUT config`). */
  path: string | undefined;
  /** Checks a parsed config against the running one; throws a ConfigError to refuse it. */
  check: (next: SwitchyardConfig) => void;
  /** Re-reads the config file and applies it (the reload path). */
  reload: () => Promise<void>;
  /** The store the client handler follows; `api-keys` creates keys in it. */
  clientKeys: ClientKeyStore;
  /** The usage ledger `usage` reads. */
  usage: UsageSink;
  /** The OAuth logins of `oauth-profiles` (absent: none configured). */
  oauth: OAuthFlows | undefined;
}

/**
 * The management API as `remote-management` configures it: its secret (`secret-key`, or the
 * `SWITCHYARD_MANAGEMENT_KEY` environment variable; none means management is off) and `allow-remote`;
 * the web dashboard at `/manage/` with it unless `dashboard: false` (its cookie `Secure` under `tls.enable`).
 * With a config file, `PUT config` puts back the secrets a new file still holds masked as `GET config`
 * showed them (from the running file, by path; a mask with no secret to keep is refused naming its path),
 * validates it as the loader does, writes it in place (atomically) and applies it by the reload path.
 */
export function managementFromConfig(config: SwitchyardConfig, setup: ManagementSetup): ManagementHandler {
  const settings = config['remote-management'] ?? {};
  const secret = settings['secret-key'] || setup.env.SWITCHYARD_MANAGEMENT_KEY || undefined;
  const { path } = setup;
  const create = settings.dashboard === false ? createManagementHandler : createDashboardHandler;
  return create(setup.manager, {
    secureCookie: config.tls?.enable === true,
    secret,
    allowRemote: settings['allow-remote'] === true,
    clientKeys: setup.clientKeys,
    usage: setup.usage,
    logger: setup.logger,
    ...(setup.oauth ? { oauth: setup.oauth } : {}),
    ...(path
      ? {
          config: {
            read: async () => maskConfigText(await readFile(path, 'utf8')),
            write: async (sent: string) => {
              if (sent.trim() === '') throw new ConfigError('The new config is empty');
              // Secrets still masked as `read` showed them are kept from the running file.
              const text = restoreMaskedSecrets(sent, await readFile(path, 'utf8'));
              const { config: next } = parseConfig(text, path, { env: setup.env });
              setup.check(next);
              // The new file keeps the old one's permissions.
              const { mode } = await stat(path);
              await writeAtomic(path, text, mode & 0o777);
              await setup.reload();
            },
          },
        }
      : {}),
  });
}
