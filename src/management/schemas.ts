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
    disabledReason: z.string().optional().describe('Why switchyard disabled it (an OAuth grant refused), when it did'),
    expiresAt: z.number().optional().describe('OAuth: when the access token expires, epoch ms'),
    lastRefreshAt: z
      .number()
      .optional()
      .describe('OAuth: when the access token was last obtained or refreshed, epoch ms'),
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

const policyFields = {
  name: z.string().min(1).optional().describe('Who the key belongs to; the principal in logs and usage'),
  models: z.array(z.string().min(1)).optional().describe('Models it may use, * wildcards allowed'),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  maxConcurrent: z.number().int().positive().optional().describe('Requests in flight at once'),
  budget: z
    .object({ tokens: z.number().int().positive(), periodMs: z.number().int().positive().optional() })
    .strict()
    .optional()
    .describe('Input plus output tokens per period (default 30 days)'),
  expiresAt: z.number().int().optional().describe('Epoch ms after which the key is refused'),
  allowedIps: z.array(z.string().min(1)).optional().describe('CIDR ranges or addresses it may be used from'),
  groups: z.array(z.string().min(1)).optional().describe('Credential groups that may serve it'),
  costBudgets: z
    .array(
      z
        .object({
          period: z.enum(['day', 'month']),
          amount: z.number().positive(),
          currency: z
            .string()
            .regex(/^[A-Z]{3}$/)
            .optional(),
        })
        .strict(),
    )
    .optional()
    .describe("Spending limits per UTC day or month, from the ledger's cost numbers"),
};

const keyUsageSchema = z
  .object({
    requests: z.number(),
    tokens: z.number().describe('Input plus output tokens'),
    cost: z.record(z.string(), z.number()),
  })
  .describe('From the usage ledger');

/** A client key as listed: its id, first characters and limits; never the key or its digest. */
export const clientKeyViewSchema = z
  .object({
    id: z.string(),
    prefix: z.string().describe("The key's first characters"),
    createdAt: z.number(),
    disabled: z.boolean().optional(),
    ...policyFields,
    usage: z
      .object({ day: keyUsageSchema, month: keyUsageSchema })
      .optional()
      .describe('What the key used in the current UTC day and month (when the gateway keeps a ledger)'),
  })
  .register(managementSchemas, { id: 'ClientKey' });

export const clientKeyListSchema = z
  .object({ keys: z.array(clientKeyViewSchema) })
  .register(managementSchemas, { id: 'ClientKeyList' });

/** A new client key's limits. */
export const clientKeyInputSchema = z
  .object(policyFields)
  .strict()
  .register(managementSchemas, { id: 'ClientKeyInput' });

/** The answer to creating a key: the key itself, shown this once. */
export const clientKeyCreatedSchema = clientKeyViewSchema
  .extend({ key: z.string().describe('The new key. It is shown only in this answer; store it now') })
  .register(managementSchemas, { id: 'ClientKeyCreated' });

/** A change to a client key: the fields to set; `null` removes a limit. */
export const clientKeyPatchSchema = z
  .object({
    ...Object.fromEntries(Object.entries(policyFields).map(([k, v]) => [k, v.nullable()])),
    disabled: z.boolean().optional(),
  })
  .strict()
  .register(managementSchemas, { id: 'ClientKeyPatch' });

const epochMs = z.coerce.number().int().nonnegative();
const usageFilterFields = {
  from: epochMs.optional().describe('Epoch ms, inclusive'),
  to: epochMs.optional().describe('Epoch ms, exclusive'),
  principal: z.string().min(1).optional().describe('The client key (principal)'),
  credentialId: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional().describe('The upstream model used, or the one requested when none was'),
};

/** The query of `GET usage`: filters, grouping (comma-separated) and an hour or day bucket (UTC). */
export const usageQuerySchema = z
  .object({
    ...usageFilterFields,
    groupBy: z
      .string()
      .regex(/^(principal|credential|provider|model)(,(principal|credential|provider|model))*$/, {
        message: 'must be a comma-separated list of principal, credential, provider, model',
      })
      .optional(),
    bucket: z.enum(['hour', 'day']).optional(),
  })
  .strict()
  .register(managementSchemas, { id: 'UsageQuery' });

/** The query of `GET usage/records`: filters and a cursor page. */
export const usageRecordsQuerySchema = z
  .object({
    ...usageFilterFields,
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().min(1).optional(),
  })
  .strict()
  .register(managementSchemas, { id: 'UsageRecordsQuery' });

const usageTotals = {
  requests: z.number(),
  errors: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedTokens: z.number(),
  cacheWriteTokens: z.number(),
  reasoningTokens: z.number(),
  cost: z.record(z.string(), z.number()).describe('Summed cost per currency'),
  unpriced: z.number().describe('Requests whose model has no price'),
};

export const usageAggregatesSchema = z
  .object({
    aggregates: z.array(
      z.object({
        bucketStart: z.number().optional(),
        principal: z.string().nullable().optional(),
        credentialId: z.string().nullable().optional(),
        provider: z.string().nullable().optional(),
        model: z.string().nullable().optional(),
        ...usageTotals,
      }),
    ),
  })
  .register(managementSchemas, { id: 'UsageAggregates' });

export const usageRecordPageSchema = z
  .object({
    records: z.array(z.record(z.string(), z.unknown()).describe("A usage record with the sink's id")),
    nextCursor: z.string().optional(),
  })
  .register(managementSchemas, { id: 'UsageRecordPage' });

export const groupsSchema = z
  .object({
    groups: z.array(
      z.object({
        name: z.string(),
        credentials: z.array(z.string()).describe('Ids of the credentials in the group'),
        apiKeys: z.array(z.string()).describe('Ids of the client keys limited to it (created through this API)'),
      }),
    ),
    ungrouped: z.array(z.string()).describe('Credentials without a group (served only to keys without groups)'),
  })
  .register(managementSchemas, { id: 'Groups' });

export const providersSchema = z
  .object({ providers: z.array(z.string()).describe('Provider ids, e.g. openai, anthropic, gemini') })
  .register(managementSchemas, { id: 'Providers' });

/** A playground request: the body exactly as a caller of `dialect` would send it. */
export const playgroundInputSchema = z
  .object({
    dialect: z.enum(['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini']),
    model: z
      .string()
      .min(1)
      .optional()
      .describe('The model; default body.model (a Gemini body has none: give it here)'),
    stream: z.boolean().optional().describe('Default body.stream (Gemini: false)'),
    credentialId: z.string().min(1).optional().describe('Only this credential may serve it (no failover)'),
    body: z.record(z.string(), z.unknown()),
  })
  .strict()
  .register(managementSchemas, { id: 'PlaygroundInput' });

const oauthFlowKind = z.enum(['authorization_code', 'device', 'client_credentials']);

export const oauthProfileListSchema = z
  .object({
    profiles: z.array(
      z.object({
        name: z.string(),
        flow: oauthFlowKind,
        provider: z.string().describe('The provider the resulting credential serves'),
        label: z.string().optional(),
      }),
    ),
  })
  .register(managementSchemas, { id: 'OAuthProfileList' });

/** A login in progress or finished; never a token, code or verifier. */
export const oauthFlowSchema = z
  .object({
    id: z.string(),
    profile: z.string(),
    flow: oauthFlowKind,
    state: z.enum(['pending', 'succeeded', 'failed', 'cancelled', 'expired']),
    expiresAt: z.string().describe('ISO time a pending login expires'),
    authorizationUrl: z.string().optional().describe('authorization_code: open it in a browser'),
    userCode: z.string().optional().describe('device: the code to enter'),
    verificationUri: z.string().optional().describe('device: where to enter it'),
    verificationUriComplete: z.string().optional().describe('device: the same with the code filled in'),
    interval: z.number().optional().describe('device: seconds between polls of the server'),
    credentialId: z.string().optional().describe('The saved credential, once succeeded'),
    error: z.string().optional().describe('Why it failed'),
  })
  .register(managementSchemas, { id: 'OAuthFlow' });

export const oauthFlowInputSchema = z
  .object({ profile: z.string().min(1).describe('The name of an oauth-profiles entry') })
  .strict()
  .register(managementSchemas, { id: 'OAuthFlowInput' });

/** A pasted redirect URL (the address the browser ended at) or the bare code. */
export const oauthCodeInputSchema = z
  .object({ url: z.string().min(1).optional(), code: z.string().min(1).optional() })
  .strict()
  .refine((v) => v.url !== undefined || v.code !== undefined, { message: 'give url or code' })
  .register(managementSchemas, { id: 'OAuthCodeInput' });

export const oauthCallbackQuerySchema = z
  .object({
    code: z.string().optional(),
    state: z.string().optional(),
    iss: z.string().optional(),
    error: z.string().optional(),
    error_description: z.string().optional(),
    error_uri: z.string().optional(),
    session_state: z.string().optional(),
    scope: z.string().optional(),
  })
  .loose();
