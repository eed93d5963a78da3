import { compileAddressFilter } from '../../http/address-filter.js';
import { newClientKey } from '../../http/client-keys/new-client-key.js';
import type { ClientKeyRecord, ClientKeyStore } from '../../http/client-keys/types.js';
import { HttpError } from '../../http/error-response.js';
import type { ClientPolicy } from '../../http/types.js';
import { periodEnd, periodStart } from '../../observe/usage/spend.js';
import type { UsageSink } from '../../observe/usage/types.js';
import { empty, json } from '../respond.js';
import {
  clientKeyCreatedSchema,
  clientKeyInputSchema,
  clientKeyListSchema,
  clientKeyPatchSchema,
  clientKeyViewSchema,
} from '../schemas.js';
import { mergePatch } from './merge-patch.js';
import type { Route } from './types.js';

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

/** Client keys created at run time: shown once, stored as digests, with their limits and usage. */
export const API_KEY_ROUTES: readonly Route[] = [
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
      const next = mergePatch(current, body as Record<string, unknown>);
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
];
