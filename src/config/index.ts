/**
 * Builds a Manager and handler from a YAML config in CLIProxyAPI's format: the same file `switchyard serve` reads.
 * @module switchyard/config
 */

export type { CompatibleProvider, ConfigCredentials } from './credentials-from-config.js';
export { applyOAuthModelRules, credentialsFromConfig, slug } from './credentials-from-config.js';
export type { FromConfigOptions, Switchyard } from './from-config.js';
export { durationMs, fromConfig, managerSettings } from './from-config.js';
export type { LoadedConfig } from './load-config.js';
export { loadConfig, parseConfig } from './load-config.js';
export type { SwitchyardConfig } from './schema.js';
export { configSchema } from './schema.js';
