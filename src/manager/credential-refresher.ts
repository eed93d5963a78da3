import type { Awaitable } from '../core/awaitable.js';
import type { Credential } from '../core/credential.js';
import { RefreshFailedError, SwitchyardError, UnauthorizedError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { revokedGrantCode } from '../executors/base/oauth-refresh.js';
import type { Executor } from '../executors/types.js';
import type { StateStore } from './state/types.js';
import { ALL_MODELS } from './state/types.js';
import type { TokenStore } from './stores/types.js';

/** Default lead time before `expiresAt` at which OAuth credentials are refreshed. */
export const DEFAULT_REFRESH_LEAD_MS = 5 * 60_000;

const LOCK_TTL_MS = 30_000;
const WAIT_STEP_MS = 50;
const WAIT_MAX_MS = 15_000;

interface RefresherDeps {
  store: TokenStore;
  state: StateStore;
  logger: Logger;
  now: () => number;
  /** First backoff after a failed refresh; doubles per consecutive failure. */
  failureBackoffMs: number;
  failureBackoffMaxMs: number;
  /** Called with the saved credential so the Manager uses it from now on. */
  onRefreshed(credential: Credential): void;
}

/**
 * Refreshes OAuth credentials: before expiry and after a 401. Exactly one refresh is in flight per
 * credential in this process however many requests wait on it, and across processes the state store's
 * lock makes the others wait and re-read the store. The new tokens are saved before they are used.
 * A failed refresh backs off (a credential-wide cooldown, doubling) and is reported; it never loops.
 *
 * The new access token and its expiry (never a refresh token or client secret) are also kept in the
 * state store's values until they expire, when it has them: instances whose token stores are their own
 * (credentials from one config file) then adopt the token another instance fetched instead of fetching
 * their own.
 */
export class CredentialRefresher {
  readonly #deps: RefresherDeps;
  readonly #inflight = new Map<string, Promise<Credential>>();
  readonly #failures = new Map<string, number>();
  /** Refusals of a disabled credential: passed on as they are, with no backoff. */
  readonly #disabledErrors = new WeakSet<SwitchyardError>();

  constructor(deps: RefresherDeps) {
    this.#deps = deps;
  }

  /** True when the credential is OAuth, refreshable, and expires within the executor's lead time. */
  isDue(credential: Credential, executor: Executor): boolean {
    if (!this.canRefresh(credential, executor)) return false;
    const expiresAt = credential.oauth?.expiresAt;
    if (expiresAt === undefined) return false;
    return expiresAt - (executor.refreshLeadMs ?? DEFAULT_REFRESH_LEAD_MS) <= this.#deps.now();
  }

  /**
   * True when the credential can be refreshed at all. The executor's `canRefresh` decides when it has
   * one (a client-credentials grant needs no refresh token); else a refresh token is needed.
   */
  canRefresh(credential: Credential, executor: Executor): boolean {
    if (credential.kind !== 'oauth' || executor.refresh === undefined) return false;
    return executor.canRefresh ? executor.canRefresh(credential) : credential.oauth?.refreshToken !== undefined;
  }

  /** Refreshes (or joins the refresh in flight) and resolves to the saved credential. */
  refresh(credential: Credential, executor: Executor): Promise<Credential> {
    const running = this.#inflight.get(credential.id);
    if (running) return running;
    const promise = this.#run(credential, executor).finally(() => this.#inflight.delete(credential.id));
    this.#inflight.set(credential.id, promise);
    return promise;
  }

  async #run(credential: Credential, executor: Executor): Promise<Credential> {
    const release = await this.#deps.state.lock(`refresh:${credential.id}`, LOCK_TTL_MS);
    if (!release) return this.#waitForOther(credential, executor);
    return this.#refreshHolding(credential, executor, release);
  }

  /** The refresh itself, with the cross-instance lock held; releases it. */
  async #refreshHolding(
    credential: Credential,
    executor: Executor,
    release: () => Awaitable<void>,
  ): Promise<Credential> {
    const { store, logger } = this.#deps;
    try {
      // Another instance may have refreshed while we waited for the lock.
      const current = (await store.get(credential.id)) ?? credential;
      if (current.disabled) throw this.#disabledError(this.#adopt(current));
      if (tokenChanged(credential, current) && !this.#expiring(current, executor)) return this.#adopt(current);
      const shared = await this.#sharedToken(current, executor);
      if (shared) return this.#adopt(await this.#keep(shared));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), LOCK_TTL_MS);
      let fresh: Credential;
      try {
        fresh = await executor.refresh!(current, controller.signal);
      } finally {
        clearTimeout(timer);
      }
      if (fresh.oauth) fresh = { ...fresh, oauth: { ...fresh.oauth, lastRefreshAt: this.#deps.now() } };
      const saved = await this.#saveRefreshed(current, fresh);
      this.#failures.delete(credential.id);
      await this.#share(saved);
      logger.info({ credentialId: credential.id }, 'credential refreshed');
      return this.#adopt(saved);
    } catch (err) {
      throw await this.#failed(credential, err);
    } finally {
      await release();
    }
  }

  /**
   * Saves refreshed tokens before anything uses them: with a rotating server the old refresh token is
   * dead once the new one is issued, so the new one must not be lost. A record changed meanwhile (a
   * management edit) gets the new tokens merged into it; a store that refuses the save still leaves the
   * tokens in use in this process (and says so), rather than dropping them.
   */
  async #saveRefreshed(current: Credential, fresh: Credential): Promise<Credential> {
    const { store, logger } = this.#deps;
    try {
      return await store.save(fresh, current.version === undefined ? {} : { expectedVersion: current.version });
    } catch (err) {
      // A brand check, not instanceof: the store may come from another copy of the package (a CJS subpath).
      if (SwitchyardError.is(err) && err.kind === 'conflict') {
        try {
          const latest = await store.get(current.id);
          if (latest) {
            const merged: Credential = { ...latest, oauth: { ...latest.oauth, ...fresh.oauth! } };
            return await store.save(merged, latest.version === undefined ? {} : { expectedVersion: latest.version });
          }
        } catch {
          // Reported below like any other failed save.
        }
      }
      logger.error(
        { credentialId: current.id, code: SwitchyardError.is(err) ? err.code : undefined },
        'refreshed tokens could not be saved to the token store; they are used by this process only until it is',
      );
      return fresh;
    }
  }

  /** A credential that was disabled (its grant revoked): no refresh is attempted. */
  #disabledError(credential: Credential): SwitchyardError {
    const reason = credential.disabledReason ?? 'it is disabled';
    const err = new RefreshFailedError(`Credential ${credential.id} is not refreshed: ${reason}`, {
      credentialId: credential.id,
    });
    this.#disabledErrors.add(err);
    return err;
  }

  /**
   * The server refused the grant itself (`invalid_grant`: revoked, expired or already used refresh
   * token). Retrying cannot help, so the credential is disabled in the store with the reason, once,
   * instead of backing off and trying again forever.
   */
  async #revoked(credential: Credential, code: string): Promise<SwitchyardError> {
    const { store, logger, now } = this.#deps;
    const reason =
      `the OAuth server refused its refresh token (${code}) at ${new Date(now()).toISOString()}; ` +
      'log in again (switchyard login <profile>, or the management API) to replace it';
    try {
      const latest = (await store.get(credential.id)) ?? credential;
      const disabled: Credential = { ...latest, disabled: true, disabledReason: reason };
      this.#adopt(await store.save(disabled, latest.version === undefined ? {} : { expectedVersion: latest.version }));
    } catch {
      this.#adopt({ ...credential, disabled: true, disabledReason: reason });
    }
    logger.warn(
      { credentialId: credential.id, oauthError: code },
      'credential disabled: its refresh grant was refused',
    );
    return new RefreshFailedError(`Credential ${credential.id} was disabled: ${reason}`, {
      credentialId: credential.id,
    });
  }

  async #failed(credential: Credential, err: unknown): Promise<SwitchyardError> {
    if (SwitchyardError.is(err) && this.#disabledErrors.has(err)) return err;
    const revoked = revokedGrantCode(err);
    if (revoked === 'invalid_grant') return this.#revoked(credential, revoked);
    const strikes = (this.#failures.get(credential.id) ?? 0) + 1;
    this.#failures.set(credential.id, strikes);
    const ms = Math.min(this.#deps.failureBackoffMs * 2 ** (strikes - 1), this.#deps.failureBackoffMaxMs);
    await this.#deps.state.setCooldown({
      credentialId: credential.id,
      model: ALL_MODELS,
      until: this.#deps.now() + ms,
      reason: 'unauthorized',
      strikes,
    });
    const reason = SwitchyardError.is(err) ? err.message : 'refresh failed';
    this.#deps.logger.warn(
      { credentialId: credential.id, strikes, backoffMs: ms, code: SwitchyardError.is(err) ? err.code : undefined },
      'credential refresh failed',
    );
    // A row of the failure table of its own: retried elsewhere, no further cooldown (the backoff is set above).
    return new RefreshFailedError(`Refreshing credential ${credential.id} failed: ${reason}`, {
      credentialId: credential.id,
      cause: err,
    });
  }

  async #waitForOther(credential: Credential, executor: Executor): Promise<Credential> {
    const deadline = this.#deps.now() + WAIT_MAX_MS;
    while (this.#deps.now() < deadline) {
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      const current = await this.#deps.store.get(credential.id);
      if (current?.disabled) throw this.#disabledError(this.#adopt(current));
      if (current && tokenChanged(credential, current)) return this.#adopt(current);
      const shared = await this.#sharedToken(current ?? credential, executor);
      if (shared) return this.#adopt(await this.#keep(shared));
      // The other instance is done but its tokens never reached this store: a store of this process
      // alone (credentials from the config file). Refresh here, once, under the lock.
      const release = await this.#deps.state.lock(`refresh:${credential.id}`, LOCK_TTL_MS);
      if (release) return this.#refreshHolding(credential, executor, release);
    }
    throw await this.#failed(credential, new UnauthorizedError('Timed out waiting for another instance to refresh'));
  }

  /** Publishes a refreshed access token to the other instances, until it expires. */
  async #share(credential: Credential): Promise<void> {
    const { state, now, logger } = this.#deps;
    const oauth = credential.oauth;
    if (!state.setValue || !oauth?.accessToken || oauth.expiresAt === undefined) return;
    const ttlMs = oauth.expiresAt - now();
    if (ttlMs <= 0) return;
    const value: SharedToken = { accessToken: oauth.accessToken, expiresAt: oauth.expiresAt };
    try {
      await state.setValue(sharedTokenKey(credential.id), JSON.stringify(value), ttlMs);
    } catch (err) {
      logger.warn({ credentialId: credential.id, error: (err as Error).message }, 'refreshed token not shared');
    }
  }

  /**
   * The credential with the access token another instance shared, when that token differs from the
   * credential's and is not itself due for refresh; undefined otherwise.
   */
  async #sharedToken(credential: Credential, executor: Executor): Promise<Credential | undefined> {
    const { state } = this.#deps;
    if (!state.getValues || !credential.oauth) return undefined;
    let raw: string | undefined;
    try {
      [raw] = await state.getValues([sharedTokenKey(credential.id)]);
    } catch {
      return undefined;
    }
    const token = parseSharedToken(raw);
    if (!token || token.accessToken === credential.oauth.accessToken) return undefined;
    const adopted: Credential = { ...credential, oauth: { ...credential.oauth, ...token } };
    return this.#expiring(adopted, executor) ? undefined : adopted;
  }

  /** Saves an adopted token to this instance's store; a store that refuses it still lets it be used. */
  async #keep(credential: Credential): Promise<Credential> {
    try {
      return await this.#deps.store.save(
        credential,
        credential.version === undefined ? {} : { expectedVersion: credential.version },
      );
    } catch {
      return credential;
    }
  }

  #expiring(credential: Credential, executor: Executor): boolean {
    const expiresAt = credential.oauth?.expiresAt;
    return (
      expiresAt !== undefined && expiresAt - (executor.refreshLeadMs ?? DEFAULT_REFRESH_LEAD_MS) <= this.#deps.now()
    );
  }

  #adopt(credential: Credential): Credential {
    this.#deps.onRefreshed(credential);
    return credential;
  }
}

function tokenChanged(a: Credential, b: Credential): boolean {
  return a.oauth?.accessToken !== b.oauth?.accessToken || a.oauth?.expiresAt !== b.oauth?.expiresAt;
}

/** An access token as the instances share it through the state store. */
interface SharedToken {
  accessToken: string;
  expiresAt: number;
}

function sharedTokenKey(credentialId: string): string {
  return `oauth-token:${credentialId}`;
}

function parseSharedToken(raw: string | undefined): SharedToken | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<SharedToken>;
    if (typeof value.accessToken !== 'string' || value.accessToken === '' || typeof value.expiresAt !== 'number') {
      return undefined;
    }
    return { accessToken: value.accessToken, expiresAt: value.expiresAt };
  } catch {
    return undefined;
  }
}
