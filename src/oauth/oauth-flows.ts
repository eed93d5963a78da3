import { randomUUID } from 'node:crypto';
import type { Credential } from '../core/credential.js';
import {
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  type SwitchyardError,
  SwitchyardError as SwitchyardErrorClass,
} from '../core/errors.js';
import { type Logger, silentLogger } from '../core/logger.js';
import { credentialFromTokens } from './credential-from-tokens.js';
import { type OAuthFetch, type ResolvedServer, resolveServer } from './discovery.js';
import {
  beginAuthorizationCode,
  beginDevice,
  clientCredentials,
  type DeviceAuthorization,
  finishAuthorizationCode,
  type PendingAuthorization,
  pollDevice,
  revokeToken,
} from './flows.js';
import { oauthFailure } from './oauth-error.js';
import {
  type OAuthFlowKind,
  type OAuthProfile,
  type OAuthTokenResult,
  parseOAuthProfile,
  type ResolvedOAuthProfile,
} from './profile.js';

/** Where a login stands. */
export type OAuthFlowState = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'expired';

/** A login as the management API and the CLI show it: no secret, no code, no verifier. */
export interface OAuthFlowView {
  id: string;
  profile: string;
  flow: OAuthFlowKind;
  state: OAuthFlowState;
  /** ISO time the login expires when still pending. */
  expiresAt: string;
  /** authorization_code: the URL to open in a browser. */
  authorizationUrl?: string;
  /** device: the code to enter, where, and how often the server is polled (seconds). */
  userCode?: string;
  verificationUri?: string;
  verificationUriComplete?: string;
  interval?: number;
  /** The saved credential's id, once succeeded. */
  credentialId?: string;
  /** Why it failed. */
  error?: string;
}

/** A profile as listed for the user to pick. */
export interface OAuthProfileSummary {
  name: string;
  flow: OAuthFlowKind;
  provider: string;
  label?: string;
}

/** Options of {@link OAuthFlows}. */
export interface OAuthFlowsOptions {
  profiles: readonly OAuthProfile[];
  /** Saves a login's credential (a token store, or the Manager so it routes to it at once). */
  save(credential: Credential): Promise<Credential>;
  /** `fetch` for the OAuth exchanges. Default: the global `fetch`. */
  fetch?: OAuthFetch;
  logger?: Logger;
  now?: () => number;
  /** Waits between device polls (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Pending logins at most; more are refused (`rate_limited`). Default 32. */
  maxPending?: number;
  /** How long an authorization-code login waits for its callback, ms. Default 10 minutes. */
  authorizationTtlMs?: number;
  /** How long a finished login stays readable, ms. Default 10 minutes. */
  keepFinishedMs?: number;
}

interface FlowRecord {
  view: OAuthFlowView;
  profile: ResolvedOAuthProfile;
  expiresAtMs: number;
  finishedAt?: number;
  pending?: PendingAuthorization;
  /** True while a callback's code is being exchanged: a second one is refused. */
  exchanging?: boolean;
  abort: AbortController;
  done: Promise<void>;
  resolveDone: () => void;
  timer?: NodeJS.Timeout;
}

/**
 * The logins in progress of one process: starts a profile's flow (authorization code with PKCE,
 * device authorization, client credentials), takes its callback or a pasted redirect URL, polls a
 * device code in the background, and saves the resulting credential. Logins are kept in memory,
 * expire, and at most `maxPending` are pending at once.
 *
 * @example
 * ```ts
 * const flows = new OAuthFlows({ profiles, save: (c) => store.save(c) });
 * const flow = await flows.start('corp', { redirectUri: 'http://127.0.0.1:53121/callback' });
 * console.log(flow.authorizationUrl);
 * ```
 */
export class OAuthFlows {
  readonly #profiles = new Map<string, ResolvedOAuthProfile>();
  readonly #servers = new Map<string, Promise<ResolvedServer>>();
  readonly #flows = new Map<string, FlowRecord>();
  readonly #byState = new Map<string, string>();
  readonly #options: OAuthFlowsOptions;
  readonly #now: () => number;
  readonly #logger: Logger;

  constructor(options: OAuthFlowsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    for (const p of options.profiles) {
      const profile = parseOAuthProfile(p);
      if (this.#profiles.has(profile.name)) throw new Error(`OAuth profile '${profile.name}' is defined twice`);
      this.#profiles.set(profile.name, profile);
    }
  }

  /** Every profile, for the user to pick one. */
  profiles(): OAuthProfileSummary[] {
    return [...this.#profiles.values()].map((p) => {
      const summary: OAuthProfileSummary = { name: p.name, flow: p.flow, provider: p.provider };
      if (p.label) summary.label = p.label;
      return summary;
    });
  }

  /** A profile by name, validated. */
  profile(name: string): ResolvedOAuthProfile | undefined {
    return this.#profiles.get(name);
  }

  /** The profile's authorization server (discovered once, then cached; a failure is not cached). */
  server(name: string): Promise<ResolvedServer> {
    const profile = this.#profileOr404(name);
    let server = this.#servers.get(name);
    if (!server) {
      server = resolveServer(profile, this.#options.fetch ? { fetch: this.#options.fetch } : {});
      server.catch(() => this.#servers.delete(name));
      this.#servers.set(name, server);
    }
    return server;
  }

  /**
   * Starts a login with the profile's flow (or `flow`). Authorization code: needs `redirectUri` and
   * answers the URL to open. Device: answers the user code and polls in the background. Client
   * credentials: finishes at once. Unknown profile: `not_found`; too many pending: `rate_limited`.
   */
  async start(name: string, options: { redirectUri?: string; flow?: OAuthFlowKind } = {}): Promise<OAuthFlowView> {
    const profile = this.#profileOr404(name);
    this.#sweep();
    const pendingCount = [...this.#flows.values()].filter((f) => f.view.state === 'pending').length;
    if (pendingCount >= (this.#options.maxPending ?? 32)) {
      throw new RateLimitedError('Too many logins are pending; finish or cancel one, or wait until they expire');
    }
    const kind = options.flow ?? profile.flow;
    const server = await this.server(name);
    const now = this.#now();
    if (kind === 'client_credentials') {
      const record = this.#record(profile, kind, now + (this.#options.authorizationTtlMs ?? 600_000));
      await this.#complete(record, () => clientCredentials(server, profile), server);
      return { ...record.view };
    }
    if (kind === 'device') {
      const device = await beginDevice(server, profile);
      const record = this.#record(profile, kind, now + device.expiresIn * 1000);
      Object.assign(record.view, {
        userCode: device.userCode,
        verificationUri: device.verificationUri,
        interval: device.interval,
        ...(device.verificationUriComplete ? { verificationUriComplete: device.verificationUriComplete } : {}),
      });
      void this.#pollInBackground(record, server, device);
      return { ...record.view };
    }
    if (!options.redirectUri) throw new InvalidRequestError('An authorization-code login needs a redirect URI');
    const pending = await beginAuthorizationCode(server, profile, options.redirectUri);
    const record = this.#record(profile, kind, now + (this.#options.authorizationTtlMs ?? 600_000));
    record.pending = pending;
    record.view.authorizationUrl = pending.url;
    this.#byState.set(pending.state, record.view.id);
    return { ...record.view };
  }

  /** A login's view, or undefined for an unknown id. */
  get(id: string): OAuthFlowView | undefined {
    this.#sweep();
    const record = this.#flows.get(id);
    return record ? { ...record.view } : undefined;
  }

  /** Resolves with the login's view once it is no longer pending. */
  async wait(id: string): Promise<OAuthFlowView | undefined> {
    const record = this.#flows.get(id);
    if (!record) return undefined;
    await record.done;
    return { ...record.view };
  }

  /** Cancels a pending login (a finished one keeps its state); undefined for an unknown id. */
  cancel(id: string): OAuthFlowView | undefined {
    this.#sweep();
    const record = this.#flows.get(id);
    if (!record) return undefined;
    if (record.view.state === 'pending') this.#finish(record, 'cancelled');
    return { ...record.view };
  }

  /**
   * Finishes an authorization-code login from the redirect URL the browser ended at (pasted where the
   * browser runs elsewhere), or the bare code. The URL's `state` must be this login's.
   */
  async submit(id: string, input: { url?: string; code?: string }): Promise<OAuthFlowView | undefined> {
    this.#sweep();
    const record = this.#flows.get(id);
    if (!record) return undefined;
    if (!record.pending) throw new InvalidRequestError(`Login ${id} is a ${record.view.flow} login: it takes no code`);
    let params: URLSearchParams;
    if (input.url !== undefined) {
      let url: URL;
      try {
        url = new URL(input.url.trim());
      } catch {
        throw new InvalidRequestError('url: not a URL; paste the whole address the browser ended at');
      }
      params = url.search ? url.searchParams : new URLSearchParams(url.hash.slice(1));
    } else if (input.code !== undefined && input.code.trim() !== '') {
      params = new URLSearchParams({ code: input.code.trim(), state: record.pending.state });
    } else {
      throw new InvalidRequestError('Give url (the redirect URL) or code');
    }
    await this.#exchange(record, params);
    return { ...record.view };
  }

  /**
   * Finishes the authorization-code login whose `state` the callback carries: the loopback server of
   * the CLI or the management API's callback route. Unknown or already used state: `invalid_request`.
   */
  async callback(params: URLSearchParams): Promise<OAuthFlowView> {
    this.#sweep();
    const state = params.get('state');
    const id = state ? this.#byState.get(state) : undefined;
    const record = id ? this.#flows.get(id) : undefined;
    if (record?.view.state !== 'pending') {
      throw new InvalidRequestError('This sign-in link is unknown, expired or already used; start the login again');
    }
    await this.#exchange(record, params);
    return { ...record.view };
  }

  /**
   * Logs a credential out: revokes its refresh token (else its access token) when the profile's server
   * supports RFC 7009. Resolves `true` when revoked, `false` when the server cannot revoke.
   */
  async revoke(credential: Credential): Promise<boolean> {
    const name = credential.metadata?.oauthProfile;
    if (typeof name !== 'string' || !this.#profiles.has(name) || !credential.oauth) return false;
    const server = await this.server(name);
    const profile = this.#profiles.get(name)!;
    const { refreshToken, accessToken } = credential.oauth;
    return refreshToken
      ? revokeToken(server, profile, refreshToken, 'refresh_token')
      : revokeToken(server, profile, accessToken, 'access_token');
  }

  /** Cancels every pending login (device polls stop). */
  close(): void {
    for (const record of this.#flows.values()) if (record.view.state === 'pending') this.#finish(record, 'cancelled');
  }

  #profileOr404(name: string): ResolvedOAuthProfile {
    const profile = this.#profiles.get(name);
    if (profile) return profile;
    const known = [...this.#profiles.keys()];
    throw new NotFoundError(
      `No OAuth profile '${name}'; ${known.length > 0 ? `known: ${known.join(', ')}` : 'none is configured (oauth-profiles:)'}`,
    );
  }

  #record(profile: ResolvedOAuthProfile, flow: OAuthFlowKind, expiresAtMs: number): FlowRecord {
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const record: FlowRecord = {
      view: {
        id: randomUUID(),
        profile: profile.name,
        flow,
        state: 'pending',
        expiresAt: new Date(expiresAtMs).toISOString(),
      },
      profile,
      expiresAtMs,
      abort: new AbortController(),
      done,
      resolveDone,
    };
    this.#flows.set(record.view.id, record);
    // Expires on time even when nobody asks (a CLI waiting on it); the sweep covers injected clocks.
    record.timer = setTimeout(
      () => {
        if (record.view.state === 'pending' && !record.exchanging) this.#finish(record, 'expired');
      },
      Math.max(0, expiresAtMs - this.#now()),
    );
    record.timer.unref?.();
    this.#logger.info({ flow: record.view.id, profile: profile.name, grant: flow }, 'oauth login started');
    return record;
  }

  async #exchange(record: FlowRecord, params: URLSearchParams): Promise<void> {
    if (record.view.state !== 'pending') {
      throw new InvalidRequestError(`Login ${record.view.id} is ${record.view.state}; start a new one`);
    }
    if (record.exchanging) throw new InvalidRequestError(`Login ${record.view.id} is being completed already`);
    const pending = record.pending!;
    if (params.get('state') !== pending.state) {
      // Not this login's callback: refused, and the login stays pending for the right one.
      throw new InvalidRequestError("The callback's state does not match this login (refused)");
    }
    record.exchanging = true;
    this.#byState.delete(pending.state);
    const server = await this.server(record.profile.name);
    await this.#complete(record, () => finishAuthorizationCode(server, record.profile, pending, params), server);
  }

  async #complete(record: FlowRecord, obtain: () => Promise<OAuthTokenResult>, server: ResolvedServer): Promise<void> {
    try {
      const result = await obtain();
      if (record.view.state !== 'pending') return;
      const credential = await credentialFromTokens(record.profile, server, result, this.#now());
      const saved = await this.#options.save(credential);
      record.view.credentialId = saved.id;
      this.#finish(record, 'succeeded');
      this.#logger.info(
        { flow: record.view.id, profile: record.profile.name, credentialId: saved.id },
        'oauth login succeeded',
      );
    } catch (err) {
      if (record.view.state !== 'pending') return;
      const failure: SwitchyardError = SwitchyardErrorClass.is(err)
        ? err
        : oauthFailure(err, `Login with OAuth profile '${record.profile.name}'`, [record.profile.clientSecret ?? '']);
      record.view.error = failure.message;
      this.#finish(record, 'failed');
      this.#logger.warn(
        { flow: record.view.id, profile: record.profile.name, code: failure.code, error: failure.message },
        'oauth login failed',
      );
    }
  }

  async #pollInBackground(record: FlowRecord, server: ResolvedServer, device: DeviceAuthorization): Promise<void> {
    await this.#complete(
      record,
      () =>
        pollDevice(server, record.profile, device, {
          deadline: record.expiresAtMs,
          signal: record.abort.signal,
          now: this.#now,
          ...(this.#options.sleep ? { sleep: this.#options.sleep } : {}),
        }),
      server,
    );
  }

  #finish(record: FlowRecord, state: Exclude<OAuthFlowState, 'pending'>): void {
    record.view.state = state;
    record.finishedAt = this.#now();
    delete record.view.authorizationUrl;
    if (record.pending) this.#byState.delete(record.pending.state);
    delete record.pending;
    record.abort.abort();
    if (record.timer) clearTimeout(record.timer);
    record.resolveDone();
  }

  /** Pending logins past their expiry expire; finished ones are forgotten after a while. */
  #sweep(): void {
    const now = this.#now();
    const keep = this.#options.keepFinishedMs ?? 600_000;
    for (const [id, record] of this.#flows) {
      if (record.view.state === 'pending' && record.expiresAtMs <= now && !record.exchanging) {
        this.#finish(record, 'expired');
      } else if (record.finishedAt !== undefined && record.finishedAt + keep <= now) {
        this.#flows.delete(id);
      }
    }
  }
}
