import { z } from 'zod';
import type { Credential } from './credential.js';

const modelEntry = z.object({ name: z.string().min(1), alias: z.string().min(1).optional() });

/**
 * The zod schema of a {@link Credential} at rest (a file in the auth directory, a database row). Unknown
 * keys are kept, so records written by newer versions or by hand survive a load and save.
 */
export const credentialSchema = z
  .object({
    id: z.string().min(1),
    provider: z.string().min(1),
    kind: z.enum(['api-key', 'oauth']).optional(),
    label: z.string().optional(),
    apiKey: z.string().optional(),
    oauth: z
      .object({
        accessToken: z.string(),
        refreshToken: z.string().optional(),
        expiresAt: z.number().optional(),
        tokenUrl: z.string().optional(),
        clientId: z.string().optional(),
        clientSecret: z.string().optional(),
        lastRefreshAt: z.number().optional(),
        grant: z.literal('client_credentials').optional(),
        scope: z.string().optional(),
      })
      .optional(),
    baseUrl: z.string().optional(),
    proxyUrl: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    models: z.array(modelEntry).optional(),
    excludedModels: z.array(z.string()).optional(),
    group: z.string().min(1).optional(),
    prefix: z.string().optional(),
    priority: z.number().optional(),
    weight: z.number().min(0).optional(),
    disabled: z.boolean().optional(),
    disabledReason: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    version: z.number().int().optional(),
  })
  .loose();

/** Validates a stored record; throws an Error naming the first bad field. */
export function parseCredential(value: unknown): Credential {
  const result = credentialSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`invalid credential: '${issue.path.join('.') || '(root)'}' ${issue.message}`);
  }
  return result.data as Credential;
}
