/** @module oauth */
export type { LoginTarget } from './credential-from-tokens.js';
export { credentialFromTokens, mergeLogin, saveLoginCredential, saveLoginToManager } from './credential-from-tokens.js';
export type { OAuthFetch, ResolvedServer, ResolveServerOptions } from './discovery.js';
export { resolveServer } from './discovery.js';
export type { DeviceAuthorization, PendingAuthorization, PollDeviceOptions } from './flows.js';
export {
  beginAuthorizationCode,
  beginDevice,
  clientCredentials,
  finishAuthorizationCode,
  pollDevice,
  revokeToken,
} from './flows.js';
export type {
  OAuthFlowState,
  OAuthFlowsOptions,
  OAuthFlowView,
  OAuthProfileSummary,
} from './oauth-flows.js';
export { OAuthFlows } from './oauth-flows.js';
export type {
  OAuthFlowKind,
  OAuthProfile,
  OAuthProfileHooks,
  OAuthTokenResult,
  ResolvedOAuthProfile,
} from './profile.js';
export { OAUTH_FLOWS, oauthProfileSchema, parseOAuthProfile } from './profile.js';
