import type { Credential } from '../core/credential.js';
import { ALL_MODELS, type Cooldown, type StateStore } from './state/types.js';
import type { CredentialStatus } from './types.js';

/**
 * Every credential's state for `Manager.status()`: in flight (from the state store, so across instances
 * when it is shared), cooldowns grouped per credential, circuit, the record's disabled flag, the last
 * error this process saw and the latest quota snapshot. No secrets.
 */
export async function credentialStatuses(
  credentials: Iterable<Credential>,
  state: StateStore,
  lastError: ReadonlyMap<string, { kind: string; at: number }>,
  now: number,
): Promise<CredentialStatus[]> {
  const [cooldowns, selection] = await Promise.all([
    state.listCooldowns(now),
    state.selection({ cursorKey: 'status', model: ALL_MODELS, now, withInFlight: true }),
  ]);
  const byId = new Map<string, Cooldown[]>();
  for (const c of cooldowns) {
    const list = byId.get(c.credentialId);
    if (list) list.push(c);
    else byId.set(c.credentialId, [c]);
  }
  return Promise.all(
    [...credentials].map(async (c): Promise<CredentialStatus> => {
      const own = byId.get(c.id) ?? [];
      const status: CredentialStatus = {
        id: c.id,
        provider: c.provider,
        kind: c.kind ?? 'api-key',
        priority: c.priority ?? 0,
        weight: c.weight ?? 1,
        disabled: c.disabled === true,
        inFlight: selection.inFlight?.get(c.id) ?? 0,
        cooldowns: own.map((x) => ({ model: x.model, reason: x.reason, until: x.until })),
        circuit: own.some((x) => x.reason === 'circuit_open') ? 'open' : 'closed',
        available: c.disabled !== true && !own.some((x) => x.model === ALL_MODELS),
      };
      if (c.label !== undefined) status.label = c.label;
      if (c.disabledReason !== undefined) status.disabledReason = c.disabledReason;
      if (c.oauth?.expiresAt !== undefined) status.expiresAt = c.oauth.expiresAt;
      if (c.oauth?.lastRefreshAt !== undefined) status.lastRefreshAt = c.oauth.lastRefreshAt;
      const last = lastError.get(c.id);
      if (last) {
        status.lastErrorKind = last.kind;
        status.lastErrorAt = last.at;
      }
      const quota = await state.getQuota(c.id);
      if (quota) status.quota = quota;
      return status;
    }),
  );
}
