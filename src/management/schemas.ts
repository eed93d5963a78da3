import { z } from 'zod';
import { credentialSchema } from '../core/credential-schema.js';

/** Every schema of the management API by name; the OpenAPI document's `components.schemas` is built from it. */
export const managementSchemas = z.registry<{ id: string }>();

/** Every error body of the management API. */
export const errorSchema = z
  .object({
    error: z.object({
      type: z.string().describe('The error kind, e.g. invalid_request, not_found, conflict, unauthorized'),
      message: z.string(),
      param: z.string().optional().describe('The field the error is about, when there is one'),
    }),
  })
  .register(managementSchemas, { id: 'Error' });

const cooldownSchema = z.object({
  model: z.string().describe('The model it applies to, or * for every model of the credential'),
  reason: z.string(),
  until: z.number().describe('Epoch ms'),
});

/** The state of one credential, as `manager.status()` reports it. */
export const credentialStatusSchema = z
  .object({
    id: z.string(),
    label: z.string().optional(),
    provider: z.string(),
    kind: z.enum(['api-key', 'oauth']),
    priority: z.number(),
    weight: z.number(),
    disabled: z.boolean(),
    inFlight: z.number(),
    cooldowns: z.array(cooldownSchema),
    circuit: z.enum(['open', 'closed']),
    available: z.boolean(),
    lastErrorKind: z.string().optional(),
    lastErrorAt: z.number().optional(),
    quota: z.record(z.string(), z.unknown()).optional().describe("The upstream's latest rate-limit snapshot"),
  })
  .register(managementSchemas, { id: 'CredentialStatus' });

export const statusSchema = z
  .object({
    version: z.string(),
    startedAt: z.number().describe('Epoch ms'),
    uptimeSeconds: z.number(),
    closing: z.boolean(),
    inFlight: z.number(),
    credentials: z.array(credentialStatusSchema),
  })
  .register(managementSchemas, { id: 'Status' });

/** A credential as stored, its secrets masked to a short prefix and suffix. */
export const credentialViewSchema = credentialSchema
  .extend({ state: credentialStatusSchema.optional() })
  .register(managementSchemas, { id: 'Credential' });

export const credentialListSchema = z
  .object({ credentials: z.array(credentialViewSchema) })
  .register(managementSchemas, { id: 'CredentialList' });

/** A new credential: the stored record's fields; unknown fields are refused (a typo must not be stored). */
export const credentialInputSchema = credentialSchema
  .omit({ version: true })
  .strict()
  .register(managementSchemas, { id: 'CredentialInput' });

/**
 * A change to a credential: the fields to set; `null` removes an optional field. A masked secret sent
 * back as shown keeps the stored one. With `version`, the change is refused (409) when the record
 * changed since it was read.
 */
export const credentialPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(credentialSchema.omit({ id: true, provider: true, version: true }).shape).map(([key, schema]) => [
        key,
        schema.nullable(),
      ]),
    ),
  )
  .extend({ provider: z.string().min(1).optional(), version: z.number().int().optional() })
  .strict()
  .register(managementSchemas, { id: 'CredentialPatch' });

export const modelsSchema = z
  .object({
    models: z.array(
      z.object({
        id: z.string(),
        providers: z.array(z.string()),
        created: z.number().optional().describe('Epoch seconds, when the upstream reported it'),
      }),
    ),
    credentials: z.array(
      z.object({
        id: z.string(),
        provider: z.string(),
        models: z
          .array(z.object({ name: z.string(), alias: z.string().optional() }))
          .optional()
          .describe("Absent: it serves any model of its provider (the provider's list is in models)"),
        excludedModels: z.array(z.string()).optional(),
        prefix: z.string().optional(),
      }),
    ),
  })
  .register(managementSchemas, { id: 'Models' });

export const configTextSchema = z
  .object({ yaml: z.string().describe('The whole config file') })
  .strict()
  .register(managementSchemas, { id: 'ConfigText' });

export const okSchema = z.object({ ok: z.literal(true) }).register(managementSchemas, { id: 'Ok' });
