import { z } from 'zod';
import { OAUTH_FLOWS } from '../oauth/profile.js';

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

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
    endpoints: z
      .object({
        authorization: url.optional(),
        token: url.optional(),
        device: url.optional(),
        revocation: url.optional(),
        jwks: url.optional(),
      })
      .strict()
      .optional(),
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
  .superRefine((p, ctx) => {
    if (!p.issuer && !p.endpoints?.token) {
      ctx.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: 'set issuer (the endpoints are discovered from it) or endpoints.token',
      });
    }
    if (!p.issuer && p.flow === 'authorization_code' && !p.endpoints?.authorization) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoints', 'authorization'],
        message: 'required for flow authorization_code without an issuer',
      });
    }
    if (!p.issuer && p.flow === 'device' && !p.endpoints?.device) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoints', 'device'],
        message: 'required for flow device without an issuer',
      });
    }
    if (p.flow === 'client_credentials' && !p['client-secret']) {
      ctx.addIssue({ code: 'custom', path: ['client-secret'], message: 'required for flow client_credentials' });
    }
  });

/** `oauth-profiles:`: profiles by name (letters, digits, `.`, `_`, `-`). */
export const oauthProfilesConfigSchema = z.record(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'a profile name is letters, digits, ".", "_" or "-", at most 64',
  }),
  oauthProfileConfigSchema,
);
