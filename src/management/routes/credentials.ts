import type { Credential } from '../../core/credential.js';
import { maskCredential, maskSecret } from '../../core/mask-secret.js';
import { HttpError } from '../../http/error-response.js';
import type { Manager } from '../../manager/manager.js';
import { empty, json } from '../respond.js';
import {
  credentialInputSchema,
  credentialListSchema,
  credentialPatchSchema,
  credentialViewSchema,
} from '../schemas.js';
import { mergePatch } from './merge-patch.js';
import type { Route } from './types.js';

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
  const next = mergePatch(current, patch);
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
    if (current.oauth.clientSecret && oauth.clientSecret === maskSecret(current.oauth.clientSecret)) {
      merged.clientSecret = current.oauth.clientSecret;
    }
    next.oauth = merged;
  }
  return next as unknown as Credential;
}

function setDisabled(disabled: boolean): Route['handle'] {
  return async ({ manager, params, audit }) => {
    const current = credentialOr404(manager, params.id!);
    const next: Credential = { ...current, disabled };
    // The reason belongs to switchyard's own disable; an operator's enable or disable replaces it.
    delete next.disabledReason;
    const saved = await manager.updateCredential(next);
    audit({ credential: saved.id, disabled });
    return json(200, await credentialView(manager, saved));
  };
}

/** The management routes, in the order the OpenAPI document lists them. */

/** Credentials: list, get, add, change, delete, enable, disable, clear cooldowns (secrets masked). */
export const CREDENTIAL_ROUTES: readonly Route[] = [
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
];
