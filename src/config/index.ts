/**
 * Builds a Manager and handler from a YAML config in CLIProxyAPI's format: the same file `switchyard serve` reads.
 * @module switchyard/config
 */

export { closestKey, editDistance } from './closest-key.js';
export type { CompatibleProvider, ConfigCredentials } from './credentials-from-config.js';
export {
  applyOAuthModelRules,
  BUILT_IN_PROVIDERS,
  compatibleProviderId,
  credentialsFromConfig,
  slug,
} from './credentials-from-config.js';
export type { FromConfigOptions, Switchyard } from './from-config.js';
export { fromConfig, redactUrl } from './from-config.js';
export type { LoadedConfig, ParseConfigOptions } from './load-config.js';
export { loadConfig, parseConfig } from './load-config.js';
export { oauthProfilesFromConfig } from './oauth-from-config.js';
export { DURATION_HINT, parseDuration } from './parse-duration.js';
export type { SwitchyardConfig } from './schema.js';
export { configSchema, isValidProxyUrl } from './schema.js';
export type { ConfigHandlerSettings, ConfigManagerSettings, UpstreamTimeouts } from './settings.js';
export {
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_MAX_JSON_DEPTH,
  DEFAULT_TIMEOUTS,
  durationMs,
  executorTimeouts,
  handlerSettings,
  managerSettings,
  selectorFor,
  timeoutsFrom,
} from './settings.js';
export type { DefaultUsageSink, UsageSinkContext } from './usage-from-config.js';
export { defaultUsageDir, pricesFromConfig, usageSinkFromConfig } from './usage-from-config.js';
