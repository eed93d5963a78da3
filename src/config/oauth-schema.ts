import { z } from 'zod';
import {
  checkOAuthProfile,
  OAUTH_FLOWS,
  OAUTH_PROFILE_NAME,
  oauthEndpointsSchema,
  oauthUrlSchema as url,
} from '../oauth/profile.js';

/**
 * One entry of `oauth-profiles:` (ours), keyed by the profile's name: the OAuth 2.0 / OpenID Connect
 * client `switchyard login <name>` and the management API log in with, and what the resulting
 * credential serves. See docs/oauth.md.
 */
export const oauthProfileConfigSchema = z
  .object({
    label: z.string().min(1).optional(),
    /** Discovery from `/.well-known/openid-configuration` (else RFC 8414 metadata). */
    issuer: url.optional(),
    endpoints: oauthEndpointsSchema.optional(),
    'client-id': z.string().min(1),
    'client-secret': z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).optional(),
    flow: z.enum(OAUTH_FLOWS),
    provider: z.string().min(1),
    'base-url': url.optional(),
    'authorization-params': z.record(z.string(), z.string()).optional(),
    'token-params': z.record(z.string(), z.string()).optional(),
    'redirect-uri': url.optional(),
    models: z.array(z.string().min(1)).optional(),
    prefix: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    priority: z.number().optional(),
  })
  .strict()
  .superRefine((p, ctx) => checkOAuthProfile(p, { key: 'client-secret', value: p['client-secret'] }, ctx));

/** `oauth-profiles:`: profiles by name (letters, digits, `.`, `_`, `-`). */
export const oauthProfilesConfigSchema = z.record(
  z.string().regex(OAUTH_PROFILE_NAME, {
    message: 'a profile name is letters, digits, ".", "_" or "-", at most 64',
  }),
  oauthProfileConfigSchema,
);
