import type { Awaitable } from '../core/awaitable.js';
import type { Logger } from '../core/logger.js';
import type { ClientKeyStore } from '../http/client-keys/types.js';
import type { OAuthFlows } from '../oauth/oauth-flows.js';
import type { OAuthProfile } from '../oauth/profile.js';
import type { UsageSink } from '../observe/usage/types.js';

/** Read and replace the running config, given by whoever built the gateway from it (`switchyard serve`). */
export interface ManagementConfigAccess {
  /** The config in force as YAML, every secret masked. */
  read(): Awaitable<string>;
  /**
   * Validates a whole new config file and applies it through the same path as a reload. Throws a
   * `ConfigError` (with the loader's message) when it is invalid; nothing of it is applied then.
   */
  write(yaml: string): Awaitable<void>;
}

/** Options of {@link createManagementHandler}. */
export interface ManagementOptions {
  /**
   * The management secret, presented as `Authorization: Bearer <secret>` or `x-management-key`. Kept
   * only as its SHA-256. Empty or absent: management is off and every route answers 404.
   */
  secret?: string | undefined;
  /** Where the routes are mounted. Default `/v0/management`. */
  basePath?: string;
  /** Serve peers that are not loopback (or requests forwarded by a proxy). Default false. */
  allowRemote?: boolean;
  /** Audit lines (one per write: who, what, never a secret) and errors go here. */
  logger?: Logger;
  /** Reported by `GET status`. Default: the package's version. */
  version?: string;
  /** Enables `GET config` and `PUT config`. Absent: those routes answer 404. */
  config?: ManagementConfigAccess;
  /**
   * Where `api-keys` creates client keys: the same store the client handler follows (its `keyStore`).
   * Absent: those routes answer 404.
   */
  clientKeys?: ClientKeyStore;
  /** The usage ledger `usage` and `usage/records` read. Absent: those routes answer 404. */
  usage?: UsageSink;
  /**
   * OAuth logins (`oauth/*` routes): the profiles accounts log in with (saved through the Manager, so
   * the credential serves at once), or an {@link OAuthFlows} of your own. Absent: no profile.
   */
  oauth?: OAuthFlows | readonly OAuthProfile[];
  /**
   * Scheme and host browsers reach the gateway at (`https://gw.example.com`), for the OAuth callback
   * URL `<this><basePath>/oauth/callback`. Default: `http://` and the request's Host header. A
   * profile's own `redirectUri` wins over both.
   */
  oauthCallbackBase?: string;
  /** Largest request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Clock, epoch ms (tests). */
  now?: () => number;
}
