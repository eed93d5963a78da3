import type { z } from 'zod';
import type { Credential } from '../core/credential.js';
import { ConfigError } from '../core/errors.js';
import { maskCredential, maskSecret } from '../core/mask-secret.js';
import { compileAddressFilter } from '../http/address-filter.js';
import { newClientKey } from '../http/client-keys/new-client-key.js';
import type { ClientKeyRecord, ClientKeyStore } from '../http/client-keys/types.js';
import { HttpError } from '../http/error-response.js';
import type { ClientPolicy, CoreRequest, CoreResponse } from '../http/types.js';
import type { Manager } from '../manager/manager.js';
import { periodEnd, periodStart } from '../observe/usage/spend.js';
import type { UsageDimension, UsageSink } from '../observe/usage/types.js';
import { empty, json } from './respond.js';
import {
  clientKeyCreatedSchema,
  clientKeyInputSchema,
  clientKeyListSchema,
  clientKeyPatchSchema,
  clientKeyViewSchema,
  configTextSchema,
  credentialInputSchema,
  credentialListSchema,
  credentialPatchSchema,
  credentialViewSchema,
  groupsSchema,
  modelsSchema,
  okSchema,
  statusSchema,
  usageAggregatesSchema,
  usageQuerySchema,
  usageRecordPageSchema,
  usageRecordsQuerySchema,
} from './schemas.js';
import type { ManagementConfigAccess } from './types.js';

/** What a route's handler gets. */
export interface RouteContext {
  manager: Manager;
  request: CoreRequest;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  /** The request body, validated by the route's `body` schema (undefined for routes without one). */
  body: unknown;
  /** Text of a `text` route's body. */
  text: string | undefined;
  /** The query string, validated by the route's `query` schema. */
  query: Record<string, unknown>;
  usage: UsageSink | undefined;
  config: ManagementConfigAccess | undefined;
  clientKeys: ClientKeyStore | undefined;
  version: string;
  startedAt: number;
  now: () => number;
  /** Records what a write did, for the audit line (ids and field names only, never values). */
  audit: (detail: Record<string, unknown>) => void;
}

/** One management route: what it is, what it takes and answers (the OpenAPI document is built from this). */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the base path, with `{name}` parameters: `/credentials/{id}`. */
  path: string;
  summary: string;
  /** JSON body schema; the body is validated against it before the handler runs. */
  body?: z.ZodType;
  /** Query string schema (values arrive as strings); validated before the handler runs. */
  query?: z.ZodObject;
  /** The route also takes the body as text (a YAML file) with a `content-type` other than JSON. */
  text?: boolean;
  /** Success status and body schema (absent: no body). */
  response: { status: number; schema?: z.ZodType };
  /** Changes state: writes an audit line. */
  write: boolean;
  handle(context: RouteContext): Promise<CoreResponse>;
}

function credentialOr404(manager: Manager, id: string): Credential {
  const credential = manager.credentials().find((c) => c.id === id);
  if (!credential) throw new HttpError(404, 'not_found', `No credential with id '${id}'`);
  return credential;
}

async function credentialView(manager: Manager, credential: Credential) {
  const status = await manager.status();
  const state = status.credentials.find((s) => s.id === credential.id);
  return state ? { ...maskCredential(credential), state } : maskCredential(credential);
}

/** A patch applied to a record: `null` removes a field, a masked secret sent back as shown keeps the stored one. */
function applyPatch(current: Credential, patch: Record<string, unknown>): Credential {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  if (typeof patch.apiKey === 'string' && current.apiKey && patch.apiKey === maskSecret(current.apiKey)) {
    next.apiKey = current.apiKey;
  }
  const headers = patch.headers as Record<string, string> | undefined;
  if (headers && current.headers) {
    next.headers = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => {
        const stored = current.headers?.[name];
        return [name, stored !== undefined && value === maskSecret(stored) ? stored : value];
      }),
    );
  }
  const oauth = patch.oauth as Credential['oauth'] | undefined;
  if (oauth && current.oauth) {
    const merged = { ...oauth };
    if (oauth.accessToken === maskSecret(current.oauth.accessToken)) merged.accessToken = current.oauth.accessToken;
    if (current.oauth.refreshToken && oauth.refreshToken === maskSecret(current.oauth.refreshToken)) {
      merged.refreshToken = current.oauth.refreshToken;
    }
    next.oauth = merged;
  }
  return next as unknown as Credential;
}

function setDisabled(disabled: boolean): Route['handle'] {
  return async ({ manager, params, audit }) => {
    const current = credentialOr404(manager, params.id!);
    const saved = await manager.updateCredential({ ...current, disabled });
    audit({ credential: saved.id, disabled });
    return json(200, await credentialView(manager, saved));
  };
}

/** The management routes, in the order the OpenAPI document lists them. */
export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/status',
    summary:
      'Every credential with in-flight count, cooldowns per model (reason, until), circuit, disabled, last error and quota',
    response: { status: 200, schema: statusSchema },
    write: false,
    async handle({ manager, version, startedAt, now }) {
      const status = await manager.status();
      return json(200, { version, startedAt, uptimeSeconds: Math.floor((now() - startedAt) / 1000), ...status });
    },
  },
  {
    method: 'GET',
    path: '/credentials',
    summary: 'Every credential with its state; secrets masked',
    response: { status: 200, schema: credentialListSchema },
    write: false,
    async handle({ manager }) {
      const status = await manager.status();
      const states = new Map(status.credentials.map((s) => [s.id, s]));
      const credentials = manager.credentials().map((c) => {
        const state = states.get(c.id);
        return state ? { ...maskCredential(c), state } : maskCredential(c);
      });
      return json(200, { credentials });
    },
  },
  {
    method: 'POST',
    path: '/credentials',
    summary: 'Adds a credential through the token store (every instance sees it); 409 when the id exists',
    body: credentialInputSchema,
    response: { status: 201, schema: credentialViewSchema },
    write: true,
    async handle({ manager, body, audit }) {
      const saved = await manager.addCredential(body as Credential);
      audit({ credential: saved.id, provider: saved.provider });
      return json(201, await credentialView(manager, saved));
    },
  },
  {
    method: 'GET',
    path: '/credentials/{id}',
    summary: 'One credential with its state; secrets masked',
    response: { status: 200, schema: credentialViewSchema },
    write: false,
    async handle({ manager, params }) {
      return json(200, await credentialView(manager, credentialOr404(manager, params.id!)));
    },
  },
  {
    method: 'PATCH',
    path: '/credentials/{id}',
    summary: 'Changes fields of a credential (null removes one); a new secret lifts its cooldowns',
    body: credentialPatchSchema,
    response: { status: 200, schema: credentialViewSchema },
    write: true,
    async handle({ manager, params, body, audit }) {
      const current = credentialOr404(manager, params.id!);
      const patch = body as Record<string, unknown>;
      const next = applyPatch(current, patch);
      if (patch.version === undefined) delete next.version;
      const saved = await manager.updateCredential(next);
      audit({ credential: saved.id, fields: Object.keys(patch).filter((k) => k !== 'version') });
      return json(200, await credentialView(manager, saved));
    },
  },
  {
    method: 'DELETE',
    path: '/credentials/{id}',
    summary: 'Deletes a credential from the token store and forgets its cooldowns',
    response: { status: 204 },
    write: true,
    async handle({ manager, params, audit }) {
      credentialOr404(manager, params.id!);
      await manager.removeCredential(params.id!);
      audit({ credential: params.id });
      return empty(204);
    },
  },
  {
    method: 'POST',
    path: '/credentials/{id}/disable',
    summary: 'Takes a credential out of rotation (stored, so every instance stops using it)',
    response: { status: 200, schema: credentialViewSchema },
    write: true,
    handle: setDisabled(true),
  },
  {
    method: 'POST',
    path: '/credentials/{id}/enable',
    summary: 'Puts a disabled credential back into rotation',
    response: { status: 200, schema: credentialViewSchema },
    write: true,
    handle: setDisabled(false),
  },
  {
    method: 'POST',
    path: '/credentials/{id}/clear-cooldowns',
    summary: 'Lifts every cooldown of a credential, its open circuit and a disable-until-the-secret-changes',
    response: { status: 200, schema: credentialViewSchema },
    write: true,
    async handle({ manager, params, audit }) {
      const current = credentialOr404(manager, params.id!);
      await manager.clearCooldowns(current.id);
      audit({ credential: current.id });
      return json(200, await credentialView(manager, current));
    },
  },
  {
    method: 'GET',
    path: '/models',
    summary: 'The model names clients can ask for, and what each credential serves',
    response: { status: 200, schema: modelsSchema },
    write: false,
    async handle({ manager, request }) {
      const models = await manager.listModels({ signal: request.signal });
      const credentials = manager.credentials().map((c) => {
        const entry: Record<string, unknown> = { id: c.id, provider: c.provider };
        if (c.models) entry.models = c.models;
        if (c.excludedModels) entry.excludedModels = c.excludedModels;
        if (c.prefix) entry.prefix = c.prefix;
        return entry;
      });
      return json(200, { models, credentials });
    },
  },
  {
    method: 'GET',
    path: '/config',
    summary: 'The running config as YAML, every secret masked (404 when the gateway was not built from a config)',
    response: { status: 200, schema: configTextSchema },
    write: false,
    async handle({ config }) {
      if (!config) throw new HttpError(404, 'not_found', 'This gateway was not built from a config file');
      return json(200, { yaml: await config.read() });
    },
  },
  {
    method: 'PUT',
    path: '/config',
    summary:
      'Replaces the config: validated like the loader does and applied by the reload path, or refused whole (400) when invalid. ' +
      'Send {"yaml": "..."} as JSON or the file itself as application/yaml or text/plain',
    body: configTextSchema,
    text: true,
    response: { status: 200, schema: okSchema },
    write: true,
    async handle({ config, body, text, audit }) {
      if (!config) throw new HttpError(404, 'not_found', 'This gateway was not built from a config file');
      const yaml = text ?? (body as { yaml: string }).yaml;
      try {
        await config.write(yaml);
      } catch (err) {
        if (err instanceof ConfigError) throw new HttpError(400, 'invalid_request', err.message);
        throw err;
      }
      audit({ config: 'replaced', bytes: yaml.length });
      return json(200, { ok: true });
    },
  },
  {
    method: 'GET',
    path: '/api-keys',
    summary:
      'The client keys created through this API (keys from the config file are not listed); never the key itself',
    response: { status: 200, schema: clientKeyListSchema },
    write: false,
    async handle({ clientKeys, usage, now }) {
      const store = keyStoreOr404(clientKeys);
      const records = await store.list();
      const used = usage ? await usageByPrincipal(usage, now()) : undefined;
      return json(200, {
        keys: records.map((r) => {
          const view = clientKeyView(r);
          const mine = used?.get(r.name ?? `key:${r.id}`);
          if (used) view.usage = mine ?? { day: NO_USE, month: NO_USE };
          return view;
        }),
      });
    },
  },
  {
    method: 'POST',
    path: '/api-keys',
    summary: 'Creates a client key with its limits; the key is in this answer only (it is stored as its SHA-256)',
    body: clientKeyInputSchema,
    response: { status: 201, schema: clientKeyCreatedSchema },
    write: true,
    async handle({ clientKeys, body, now, audit }) {
      const store = keyStoreOr404(clientKeys);
      const policy = body as ClientPolicy & { name?: string };
      checkPolicy(policy);
      const { key, record } = newClientKey(policy, now());
      await store.save(record);
      audit({ apiKey: record.id, fields: Object.keys(policy) });
      return json(201, { ...clientKeyView(record), key });
    },
  },
  {
    method: 'GET',
    path: '/api-keys/{id}',
    summary: 'One client key',
    response: { status: 200, schema: clientKeyViewSchema },
    write: false,
    async handle({ clientKeys, params }) {
      return json(200, clientKeyView(await recordOr404(keyStoreOr404(clientKeys), params.id!)));
    },
  },
  {
    method: 'PATCH',
    path: '/api-keys/{id}',
    summary: 'Changes the limits of a client key, or disables it (null removes a limit)',
    body: clientKeyPatchSchema,
    response: { status: 200, schema: clientKeyViewSchema },
    write: true,
    async handle({ clientKeys, params, body, audit }) {
      const store = keyStoreOr404(clientKeys);
      const current = await recordOr404(store, params.id!);
      const next: Record<string, unknown> = { ...current };
      for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
        if (value === null) delete next[field];
        else next[field] = value;
      }
      checkPolicy(next as ClientPolicy);
      const saved = await store.save(next as unknown as ClientKeyRecord);
      audit({ apiKey: saved.id, fields: Object.keys(body as object) });
      return json(200, clientKeyView(saved));
    },
  },
  {
    method: 'DELETE',
    path: '/api-keys/{id}',
    summary: 'Revokes a client key: requests with it are refused from the next one on',
    response: { status: 204 },
    write: true,
    async handle({ clientKeys, params, audit }) {
      const store = keyStoreOr404(clientKeys);
      if (!(await store.delete(params.id!)))
        throw new HttpError(404, 'not_found', `No client key with id '${params.id}'`);
      audit({ apiKey: params.id });
      return empty(204);
    },
  },
  {
    method: 'GET',
    path: '/usage',
    summary:
      'Totals from the usage ledger (requests, errors, each kind of token, cost per currency), grouped by ' +
      'client key, credential, provider and model and by UTC hour or day',
    query: usageQuerySchema,
    response: { status: 200, schema: usageAggregatesSchema },
    write: false,
    async handle({ usage, query }) {
      const sink = usageOr404(usage);
      const { groupBy, ...rest } = query as { groupBy?: string };
      const aggregates = await sink.aggregate({
        ...rest,
        ...(groupBy ? { groupBy: groupBy.split(',') as UsageDimension[] } : {}),
      });
      return json(200, { aggregates });
    },
  },
  {
    method: 'GET',
    path: '/usage/records',
    summary: 'Usage records, newest first, a page at a time (pass nextCursor as cursor for the next page)',
    query: usageRecordsQuerySchema,
    response: { status: 200, schema: usageRecordPageSchema },
    write: false,
    async handle({ usage, query }) {
      return json(200, await usageOr404(usage).records(query));
    },
  },
  {
    method: 'GET',
    path: '/groups',
    summary: 'The credential groups: which credentials are in each, and which client keys are limited to it',
    response: { status: 200, schema: groupsSchema },
    write: false,
    async handle({ manager, clientKeys }) {
      const groups = new Map<string, { credentials: string[]; apiKeys: string[] }>();
      const entry = (name: string) => {
        let g = groups.get(name);
        if (!g) {
          g = { credentials: [], apiKeys: [] };
          groups.set(name, g);
        }
        return g;
      };
      const ungrouped: string[] = [];
      for (const c of manager.credentials()) {
        if (c.group) entry(c.group).credentials.push(c.id);
        else ungrouped.push(c.id);
      }
      for (const k of clientKeys ? await clientKeys.list() : [])
        for (const g of k.groups ?? []) entry(g).apiKeys.push(k.id);
      return json(200, {
        groups: [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => a.name.localeCompare(b.name)),
        ungrouped,
      });
    },
  },
];

const NO_USE = { requests: 0, tokens: 0, cost: {} };

/** Requests, tokens and cost per principal in the current UTC day and month, from the ledger. */
async function usageByPrincipal(
  sink: UsageSink,
  now: number,
): Promise<Map<string, { day: typeof NO_USE; month: typeof NO_USE }>> {
  const out = new Map<string, { day: typeof NO_USE; month: typeof NO_USE }>();
  for (const period of ['day', 'month'] as const) {
    const rows = await sink.aggregate({
      groupBy: ['principal'],
      from: periodStart(now, period),
      to: periodEnd(now, period),
    });
    for (const row of rows) {
      if (!row.principal) continue;
      const entry = out.get(row.principal) ?? { day: NO_USE, month: NO_USE };
      entry[period] = { requests: row.requests, tokens: row.promptTokens + row.completionTokens, cost: row.cost };
      out.set(row.principal, entry);
    }
  }
  return out;
}

function usageOr404(usage: UsageSink | undefined): UsageSink {
  if (!usage) throw new HttpError(404, 'not_found', 'This gateway keeps no usage ledger');
  return usage;
}

function keyStoreOr404(store: ClientKeyStore | undefined): ClientKeyStore {
  if (!store) throw new HttpError(404, 'not_found', 'This gateway has no client key store');
  return store;
}

async function recordOr404(store: ClientKeyStore, id: string): Promise<ClientKeyRecord> {
  const record = (await store.list()).find((r) => r.id === id);
  if (!record) throw new HttpError(404, 'not_found', `No client key with id '${id}'`);
  return record;
}

/** A record as listed: everything but the digest. */
function clientKeyView(record: ClientKeyRecord): Record<string, unknown> {
  const { digest: _digest, ...view } = record;
  return view;
}

/** Limits the handler would refuse to build are refused here, before they are stored. */
function checkPolicy(policy: ClientPolicy): void {
  if (!policy.allowedIps) return;
  try {
    compileAddressFilter(policy.allowedIps, 'allowedIps');
  } catch (err) {
    throw new HttpError(400, 'invalid_request', (err as Error).message, { param: 'allowedIps' });
  }
}
