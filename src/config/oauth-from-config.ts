import type { OAuthProfile } from '../oauth/profile.js';
import type { SwitchyardConfig } from './schema.js';

/**
 * The `oauth-profiles:` section as {@link OAuthProfile}s (the YAML's kebab-case keys mapped to the
 * library's names), in file order.
 *
 * @example
 * ```ts
 * const profiles = oauthProfilesFromConfig((await loadConfig('config.yaml')).config);
 * ```
 */
export function oauthProfilesFromConfig(config: SwitchyardConfig): OAuthProfile[] {
  return Object.entries(config['oauth-profiles'] ?? {}).map(([name, p]) => {
    const profile: OAuthProfile = {
      name,
      clientId: p['client-id'],
      flow: p.flow,
      provider: p.provider,
      scopes: p.scopes ?? [],
    };
    if (p.label) profile.label = p.label;
    if (p.issuer) profile.issuer = p.issuer;
    if (p.endpoints) profile.endpoints = p.endpoints;
    if (p['client-secret']) profile.clientSecret = p['client-secret'];
    if (p['base-url']) profile.baseUrl = p['base-url'];
    if (p['authorization-params']) profile.authorizationParams = p['authorization-params'];
    if (p['token-params']) profile.tokenParams = p['token-params'];
    if (p['redirect-uri']) profile.redirectUri = p['redirect-uri'];
    if (p.models) profile.models = p.models;
    if (p.prefix) profile.prefix = p.prefix;
    if (p.group) profile.group = p.group;
    if (p.priority !== undefined) profile.priority = p.priority;
    return profile;
  });
}
