import pRetry from 'p-retry';
import type { Credential } from '../core/credential.js';
import { credentialSecrets } from '../core/credential.js';
import { parseCredential } from '../core/credential-schema.js';
import {
  AbortedError,
  ClosedError,
  ConflictError,
  createError,
  InvalidRequestError,
  ModelNotFoundError,
  NoCredentialsError,
  RateLimitedError,
  SwitchyardError,
  TimeoutError,
} from '../core/errors.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { Executor, ExecutorResponse } from '../executors/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../translate/stream-converter.js';
import { requestToolNames } from '../translate/translate.js';
import { CooldownKeeper } from './cooldown-keeper.js';
import { CredentialRefresher, REFRESH_FAILED } from './credential-refresher.js';
import type { CooldownPolicy, FailureDecision, QuotaExceededBehaviour } from './failure-policy.js';
import { DEFAULT_COOLDOWN_POLICY } from './failure-policy.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { ModelRouter, type Route } from './model-router.js';
import { asInternal, localTokenCount, prepareBody, readResponse, streamResponse } from './respond.js';
import { inputItems, ResponseMemory, type ResponseMemoryOptions } from './response-memory.js';
import { PrioritySelector } from './selectors/priority.js';
import { RoundRobinSelector } from './selectors/round-robin.js';
import { extractSessionKey } from './selectors/session-key.js';
import type { PickContext, Selector } from './selectors/types.js';
import { sleep } from './sleep.js';
import { MemoryStateStore } from './state/memory-state-store.js';
import { ALL_MODELS, type Cooldown, type StateStore } from './state/types.js';
import { MemoryTokenStore } from './stores/memory-token-store.js';
import type { TokenStore, TokenStoreEvent } from './stores/types.js';
import type {
  AttemptResult,
  CredentialStatus,
  ExecuteInput,
  ExecuteResult,
  ManagerHooks,
  ManagerStatus,
} from './types.js';
import { buildUsageRecord, type UsageArgs } from './usage-record.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

/** Retry settings of {@link ManagerOptions.retry}. */
export interface RetryOptions {
  /** Attempts in total, the first included. Default 3. */
  attempts?: number;
  /** First backoff between attempts, ms (doubles, with jitter). Default 25. */
  baseDelayMs?: number;
  /** Cap of the backoff between attempts, ms. Default 2000. */
  maxDelayMs?: number;
  /**
   * When every candidate is cooling and the earliest is back within this many ms, wait for it instead of
   * failing (CLIProxyAPI's `max-retry-interval`). Default 0: fail at once with the earliest retry-after.
   */
  maxWaitMs?: number;
}

/** Time limits of {@link ManagerOptions.timeouts}, ms; 0 turns one off. */
export interface TimeoutOptions {
  /**
   * A stream that has not produced its first bytes for the caller this long after the attempt began
   * (connecting and response headers included) fails over to another credential. Default 120 000.
   */
  firstByteMs?: number;
  /**
   * Longest gap between two events of a stream that has started (SSE comments do not count, so a
   * trickle of keep-alive comments is cut too). The caller gets an error event in its dialect. Default 300 000.
   */
  idleMs?: number;
  /**
   * Longest duration of a whole request, retries and the stream included. A request over it is never
   * retried; a stream over it ends with an error event. Default 0 (off).
   */
  totalMs?: number;
}

/** The defaults of {@link TimeoutOptions}. */
export const DEFAULT_TIMEOUTS: Readonly<Required<TimeoutOptions>> = Object.freeze({
  firstByteMs: 120_000,
  idleMs: 300_000,
  totalMs: 0,
});

/** Options of {@link Manager.close}. */
export interface CloseOptions {
  /** How long requests and streams in flight may finish before they are aborted, ms. Default 10 000. */
  graceMs?: number;
}

/** Options of the {@link Manager}. */
export interface ManagerOptions {
  /** Where credentials live. Default: a {@link MemoryTokenStore} seeded with `credentials`. */
  store?: TokenStore;
  /** Credentials for the default in-memory store. Ignored when `store` is given. */
  credentials?: Credential[];
  /** Shared routing state. Default: a new {@link MemoryStateStore}. */
  state?: StateStore;
  /** Default: priority tiers with round-robin inside each tier. */
  selector?: Selector;
  /** The executors, one per provider id. */
  executors?: Executor[];
  retry?: RetryOptions;
  /** What a 429 / quota error does: fail over after cooling the model (`skip-model`, default), the whole credential (`skip-auth`), or return it (`fail-fast`). */
  quotaExceeded?: QuotaExceededBehaviour;
  /** Overrides of the cooldown table. */
  cooldowns?: Partial<CooldownPolicy>;
  /** Time limits of upstream calls and streams (connect and header timeouts are the executors'). */
  timeouts?: TimeoutOptions;
  /** @deprecated Use `timeouts.firstByteMs`. */
  firstByteTimeoutMs?: number;
  /**
   * Largest upstream SSE event, bytes. Past it the stream ends with an error event in the caller's
   * dialect (or fails over, before the first byte) instead of buffering. Default 16 MiB.
   */
  maxEventBytes?: number;
  /** Credentials with a prefix only serve requests naming it. Default false. */
  forceModelPrefix?: boolean;
  /** TTL of session affinity bindings, ms (used by the default sticky selector). Default 1 h. */
  sessionTtlMs?: number;
  /** What to do with thinking blocks produced by another provider: drop them (default) or turn them into text. */
  foreignThinking?: 'drop' | 'text';
  /**
   * How answers the gateway gave Responses callers from other upstreams are remembered, so the
   * `item_reference` items and `previous_response_id` of their follow-ups can be resolved (shared
   * through the state store when it keeps values). Default: 1 hour.
   */
  responseMemory?: ResponseMemoryOptions;
  hooks?: ManagerHooks;
  logger?: Logger;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

interface RunState {
  input: ExecuteInput;
  /** The model as the caller named it. */
  requested: string;
  requestId: string;
  route: Route;
  stream: boolean;
  started: number;
  tried: Set<string>;
  attempt: number;
  lastError?: SwitchyardError;
  decision?: FailureDecision;
  /** Retry this credential after refreshing it (401 on an OAuth credential). */
  refreshNext?: Credential;
  refreshed: Set<string>;
  bodies: Map<string, { body: Record<string, unknown>; warnings: readonly string[] }>;
  /** The credentials this request used (their secrets are scrubbed from what it reports, on error paths only). */
  used: Credential[];
  sessionKey?: string | null;
  lastCredential?: Credential;
  /** The picked credential had an expired cooldown entry: a success clears it (and its strikes). */
  staleCooldown?: boolean;
  /** Epoch ms (real time) by which the whole request must be done; 0 for no limit. */
  deadline: number;
  /** The total duration ran out: nothing more is tried. */
  expired?: boolean;
  settled?: boolean;
}

let requestCounter = 0;
function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x7fffffff;
  return `req_${Date.now().toString(36)}${requestCounter.toString(36).padStart(5, '0')}`;
}

/**
 * The conductor: resolves the requested model to candidate credentials, selects one, executes through
 * its provider's executor (translating between the caller's dialect and the upstream's), classifies
 * failures, cools credentials down, retries on another credential, refreshes OAuth tokens, and reports usage.
 *
 * It knows no HTTP server: hand it parsed bodies, get back bytes (or a stream of SSE bytes) in the caller's dialect.
 *
 * @example
 * ```ts
 * import { Manager, mockExecutor } from 'switchyard';
 * const manager = new Manager({
 *   executors: [mockExecutor()],
 *   credentials: [{ id: 'm1', provider: 'mock' }, { id: 'm2', provider: 'mock' }],
 * });
 * const result = await manager.execute({
 *   dialect: 'openai-chat',
 *   body: { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
 * });
 * console.log(result.credentialId, new TextDecoder().decode(result.body as Uint8Array));
 * ```
 */
export class Manager {
  readonly store: TokenStore;
  readonly state: StateStore;
  #selector: Selector;
  readonly #executors = new Map<string, Executor>();
  readonly #router: ModelRouter;
  readonly #credentials = new Map<string, Credential>();
  readonly #policy: CooldownPolicy;
  readonly #retry: Required<RetryOptions>;
  readonly #quotaExceeded: QuotaExceededBehaviour;
  readonly #timeouts: Required<TimeoutOptions>;
  readonly #maxEventBytes: number;
  readonly #foreignThinking: 'drop' | 'text';
  readonly #hooks: ManagerHooks;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #refresher: CredentialRefresher;
  readonly #cooldowns: CooldownKeeper;
  readonly #memory: ResponseMemory;
  #ready: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  /** Executions in flight (until a non-stream answer is returned or a stream ends) and who waits for none. */
  #inFlight = 0;
  #drained: (() => void) | undefined;
  /** The upstream calls in flight, aborted when `close()` runs out of grace. */
  readonly #active = new Set<AbortController>();
  readonly #lastError = new Map<string, { kind: string; at: number }>();

  constructor(options: ManagerOptions = {}) {
    this.store = options.store ?? new MemoryTokenStore(options.credentials ?? []);
    this.state = options.state ?? new MemoryStateStore();
    this.#selector = options.selector ?? new PrioritySelector(new RoundRobinSelector());
    for (const executor of options.executors ?? []) this.registerExecutor(executor);
    this.#router = new ModelRouter({ forceModelPrefix: options.forceModelPrefix ?? false });
    this.#policy = { ...DEFAULT_COOLDOWN_POLICY, ...options.cooldowns };
    this.#retry = {
      attempts: Math.max(1, options.retry?.attempts ?? 3),
      baseDelayMs: options.retry?.baseDelayMs ?? 25,
      maxDelayMs: options.retry?.maxDelayMs ?? 2_000,
      maxWaitMs: options.retry?.maxWaitMs ?? 0,
    };
    this.#quotaExceeded = options.quotaExceeded ?? 'skip-model';
    this.#timeouts = {
      ...DEFAULT_TIMEOUTS,
      ...(options.firstByteTimeoutMs !== undefined ? { firstByteMs: options.firstByteTimeoutMs } : {}),
      ...compactTimeouts(options.timeouts),
    };
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#foreignThinking = options.foreignThinking ?? 'drop';
    this.#hooks = options.hooks ?? {};
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#cooldowns = new CooldownKeeper({
      state: this.state,
      policy: this.#policy,
      quotaExceeded: this.#quotaExceeded,
      logger: this.#logger,
      now: this.#now,
    });
    this.#memory = new ResponseMemory(this.state, this.#logger, options.responseMemory);
    this.#refresher = new CredentialRefresher({
      store: this.store,
      state: this.state,
      logger: this.#logger,
      now: this.#now,
      failureBackoffMs: this.#policy.refreshFailureMs,
      failureBackoffMaxMs: this.#policy.rateLimitMaxMs,
      onRefreshed: (credential) => this.#upsert(credential),
    });
  }

  /** The routing strategy in force. */
  get selector(): Selector {
    return this.#selector;
  }

  /** Swaps the routing strategy on a live Manager (a config reload changed it); requests in flight keep theirs. */
  setSelector(selector: Selector): void {
    this.#selector = selector;
  }

  /** Registers (or replaces) the executor for its `provider` id. */
  registerExecutor(executor: Executor): void {
    this.#executors.set(executor.provider, executor);
  }

  /** Loads the credentials and starts following the store. Called by `execute` on first use. */
  start(): Promise<void> {
    this.#ready ??= this.#load();
    return this.#ready;
  }

  async #load(): Promise<void> {
    await this.state.ready?.();
    this.#unwatch = this.store.watch?.((event) => this.#onStoreEvent(event));
    const credentials = await this.store.list();
    for (const credential of credentials) this.#credentials.set(credential.id, credential);
    this.#rebuild();
    this.#logger.info({ credentials: credentials.length }, 'credentials loaded');
  }

  /** The credentials the Manager routes over now (secrets included: do not log them; see `redactCredential`). */
  credentials(): Credential[] {
    return [...this.#credentials.values()];
  }

  /** Cooldowns in force now: which credential is cooling for what, until when, and why. */
  async cooldowns(): Promise<Cooldown[]> {
    return this.state.listCooldowns(this.#now());
  }

  /**
   * The model names clients can ask for: the credentials' model lists and aliases, plus, for credentials
   * without a list (they serve any model of their provider), what their executor's `listModels` reports
   * (cached by the executor; a provider that fails or takes longer than `timeoutMs` is left out).
   */
  async listModels(
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<Array<{ id: string; providers: string[]; created?: number }>> {
    await this.start();
    const listed = this.#router.listModels();
    const byId = new Map<string, { id: string; providers: string[]; created?: number }>(listed.map((m) => [m.id, m]));
    const firstListless = new Map<string, Credential>();
    for (const c of this.#credentials.values()) {
      if (!c.disabled && (!c.models || c.models.length === 0) && !firstListless.has(c.provider)) {
        firstListless.set(c.provider, c);
      }
    }
    const signal = AbortSignal.any([
      AbortSignal.timeout(options.timeoutMs ?? 5_000),
      ...(options.signal ? [options.signal] : []),
    ]);
    const reports = await Promise.all(
      [...firstListless].map(async ([provider, credential]) => {
        const executor = this.#executors.get(provider);
        if (!executor?.listModels) return [];
        try {
          return await executor.listModels(credential, signal);
        } catch (err) {
          this.#logger.warn({ provider, code: codeOf(err) }, 'listing upstream models failed');
          return [];
        }
      }),
    );
    for (const model of reports.flat()) {
      const entry = byId.get(model.id);
      if (!entry) {
        byId.set(model.id, {
          id: model.id,
          providers: [model.provider],
          ...(model.created !== undefined ? { created: model.created } : {}),
        });
      } else if (!entry.providers.includes(model.provider)) entry.providers.push(model.provider);
    }
    return [...byId.values()];
  }

  /**
   * Adds a credential through the store (so every instance following it sees it) and routes it at once.
   * Rejects with a `conflict` error when the id exists, `invalid_request` when the record is malformed.
   */
  async addCredential(credential: Credential): Promise<Credential> {
    await this.start();
    const valid = validCredential(credential);
    if (this.#credentials.has(valid.id) || (await this.store.get(valid.id))) {
      throw new ConflictError(`A credential with id '${valid.id}' exists already`, { credentialId: valid.id });
    }
    const saved = await this.store.save(valid);
    this.#upsert(saved);
    return saved;
  }

  /**
   * Replaces a credential's record through the store. With `version` set, the save is refused (`conflict`)
   * when the record changed since it was read. A new secret lifts its cooldowns.
   */
  async updateCredential(credential: Credential): Promise<Credential> {
    await this.start();
    const valid = validCredential(credential);
    if (!this.#credentials.has(valid.id) && !(await this.store.get(valid.id))) {
      throw new InvalidRequestError(`No credential with id '${valid.id}'`, { credentialId: valid.id });
    }
    const saved = await this.store.save(
      valid,
      valid.version === undefined ? undefined : { expectedVersion: valid.version },
    );
    this.#upsert(saved);
    return saved;
  }

  /** Deletes a credential from the store and stops routing to it; its cooldowns are forgotten. */
  async removeCredential(id: string): Promise<void> {
    await this.start();
    await this.store.delete(id);
    if (this.#credentials.delete(id)) this.#rebuild();
    this.#lastError.delete(id);
    await this.state.clearCredential(id);
  }

  /**
   * A snapshot of every credential's state: in flight, cooldowns per model with reason and until,
   * circuit, disabled, last error kind and the latest quota snapshot. No secrets. The management API
   * serves exactly this.
   */
  async status(): Promise<ManagerStatus> {
    await this.start();
    const now = this.#now();
    const [cooldowns, selection] = await Promise.all([
      this.state.listCooldowns(now),
      this.state.selection({ cursorKey: 'status', model: ALL_MODELS, now, withInFlight: true }),
    ]);
    const byId = new Map<string, Cooldown[]>();
    for (const c of cooldowns) {
      const list = byId.get(c.credentialId);
      if (list) list.push(c);
      else byId.set(c.credentialId, [c]);
    }
    const credentials = await Promise.all(
      [...this.#credentials.values()].map(async (c): Promise<CredentialStatus> => {
        const own = byId.get(c.id) ?? [];
        const circuit = own.some((x) => x.reason === 'circuit_open') ? 'open' : 'closed';
        const status: CredentialStatus = {
          id: c.id,
          provider: c.provider,
          kind: c.kind ?? 'api-key',
          priority: c.priority ?? 0,
          weight: c.weight ?? 1,
          disabled: c.disabled === true,
          inFlight: selection.inFlight?.get(c.id) ?? 0,
          cooldowns: own.map((x) => ({ model: x.model, reason: x.reason, until: x.until })),
          circuit,
          available: c.disabled !== true && !own.some((x) => x.model === ALL_MODELS),
        };
        if (c.label !== undefined) status.label = c.label;
        const last = this.#lastError.get(c.id);
        if (last) {
          status.lastErrorKind = last.kind;
          status.lastErrorAt = last.at;
        }
        const quota = await this.state.getQuota(c.id);
        if (quota) status.quota = quota;
        return status;
      }),
    );
    return { closing: this.#closing !== undefined, inFlight: this.#inFlight, credentials };
  }

  /**
   * Stops taking work: new calls reject with a `closed` error (503), requests and streams in flight may
   * finish for `graceMs`, then what still runs is aborted (streams end with an error event), and the
   * stores are closed. Calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.graceMs ?? 10_000);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    if (this.#inFlight > 0) {
      const drained = new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, graceMs));
      });
      await Promise.race([drained, grace]);
      clearTimeout(timer);
      if (this.#inFlight > 0) {
        this.#logger.warn({ inFlight: this.#inFlight, graceMs }, 'closing: aborting what is still in flight');
        for (const controller of this.#active) controller.abort(new ClosedError('The gateway is shutting down'));
        // The aborted streams end at their next read; give them a moment to release their slots.
        await Promise.race([drained, new Promise((r) => setTimeout(r, 1_000).unref())]);
      }
    }
    this.#unwatch?.();
    await this.store.close?.();
    await this.state.close?.();
  }

  #settle(run: RunState): void {
    if (run.settled) return;
    run.settled = true;
    if (--this.#inFlight === 0) this.#drained?.();
  }

  /**
   * Serves one request: picks a credential, calls its upstream, fails over on retryable errors while
   * nothing has reached the caller, and answers in the caller's dialect. Rejects with a
   * {@link SwitchyardError} (never with a secret in its message).
   */
  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    if (this.#closing) throw new ClosedError('The gateway is shutting down and takes no new requests');
    await this.start();
    const started = this.#now();
    const requestId = input.requestId ?? newRequestId();
    const requested = input.model ?? (typeof input.body.model === 'string' ? input.body.model : undefined);
    if (!requested) {
      throw createError('invalid_request', 'The request names no model', { status: 400 });
    }
    const route = this.#router.resolve(requested);
    if (!route) {
      const error = new ModelNotFoundError(`The model '${requested}' is not served by any credential`);
      this.#usage({ input, requestId, started, modelRequested: requested, attempts: 0, error });
      throw error;
    }
    const run: RunState = {
      input,
      requested,
      requestId,
      route,
      stream: input.stream ?? input.body.stream === true,
      started,
      tried: new Set(),
      attempt: 0,
      refreshed: new Set(),
      bodies: new Map(),
      used: [],
      deadline: this.#timeouts.totalMs > 0 ? Date.now() + this.#timeouts.totalMs : 0,
    };
    this.#inFlight++;
    try {
      const result = await this.#run(run);
      if (!result.stream) this.#settle(run);
      return result;
    } catch (err) {
      this.#settle(run);
      throw err;
    }
  }

  async #run(run: RunState): Promise<ExecuteResult> {
    const { input, requestId, started, route } = run;
    const requested = run.requested;
    try {
      // Most requests succeed at once: the first attempt runs outside p-retry, which is only set up
      // (with its timers and signal wiring) once a retry is actually due.
      try {
        return await this.#attempt(run);
      } catch (err) {
        if (!this.#mayRetry(run) || this.#retry.attempts < 2) throw err;
      }
      const { baseDelayMs, maxDelayMs } = this.#retry;
      // The first backoff, as p-retry would have taken it (jittered up to 2x, capped); p-retry takes the rest.
      await sleep(Math.min(baseDelayMs * (1 + Math.random()), maxDelayMs), input.signal);
      return await pRetry(() => this.#attempt(run), {
        retries: this.#retry.attempts - 2,
        minTimeout: Math.min(baseDelayMs * 2, maxDelayMs),
        maxTimeout: this.#retry.maxDelayMs,
        factor: 2,
        randomize: this.#retry.baseDelayMs > 0,
        ...(input.signal ? { signal: input.signal } : {}),
        unref: true,
        shouldRetry: () => this.#mayRetry(run),
      });
    } catch (err) {
      const error = this.#finalError(err, run);
      this.#usage({
        input,
        requestId,
        started,
        modelRequested: requested,
        attempts: run.attempt,
        error,
        ...(run.lastCredential ? { credential: run.lastCredential } : {}),
        modelUsed: run.lastCredential ? route.upstreamModel.get(run.lastCredential.id) : undefined,
      });
      throw error;
    }
  }

  async #attempt(run: RunState): Promise<ExecuteResult> {
    run.decision = undefined;
    const signal = run.input.signal;
    if (signal?.aborted) throw new AbortedError('The request was aborted', { cause: signal.reason });
    const remaining = run.deadline === 0 ? 0 : run.deadline - Date.now();
    if (run.deadline !== 0 && remaining <= 0) {
      run.expired = true;
      throw new TimeoutError(`The request took longer than its total limit of ${this.#timeouts.totalMs} ms`);
    }
    let credential: Credential;
    if (run.refreshNext) {
      credential = run.refreshNext;
      run.staleCooldown = false;
    } else credential = await this.#pick(run);
    const forceRefresh = run.refreshNext !== undefined;
    run.refreshNext = undefined;
    run.attempt += 1;
    run.lastCredential = credential;
    run.used.push(credential);
    const executor = this.#executors.get(credential.provider)!;
    const upstreamModel = run.route.upstreamModel.get(credential.id) ?? run.route.request.model;
    const info = {
      requestId: run.requestId,
      attempt: run.attempt,
      credentialId: credential.id,
      provider: credential.provider,
      model: upstreamModel,
    };
    const attemptStart = this.#now();
    // The attempt's own controller: the caller's abort, a timeout and `close()` all end the upstream call.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#active.add(controller);
    let watchdog: Watchdog | undefined;
    // The in-flight slot and everything tied to the attempt are released here, once, whichever way it ends.
    let slot: string | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      watchdog?.stop();
      signal?.removeEventListener('abort', onAbort);
      this.#active.delete(controller);
      if (slot !== undefined) this.state.release(slot);
    };
    try {
      if (forceRefresh || this.#refresher.isDue(credential, executor)) {
        run.refreshed.add(credential.id);
        credential = await this.#refresher.refresh(credential, executor);
        run.used.push(credential);
      }
      run.tried.add(credential.id);
      this.#emit('onAttempt', info);
      await this.state.acquire(credential.id);
      slot = credential.id;
      const staleCooldown = run.staleCooldown === true;
      const native = executor.nativeDialect(run.input.dialect, credential);
      const operation = run.input.operation ?? 'generate';
      const common = {
        requestId: run.requestId,
        credentialId: credential.id,
        provider: credential.provider,
        model: upstreamModel,
        attempts: run.attempt,
        warnings: [] as readonly string[],
      };
      if (operation === 'count_tokens' && native === 'openai-chat') {
        // Chat Completions has no token counter: answer with the documented local estimate.
        const result = localTokenCount(run.input.dialect, run.input.body, {
          ...common,
          warnings: ['count-tokens-estimated: the upstream cannot count tokens; this is a local estimate'],
        });
        release();
        this.#emit('onResult', { ...info, ok: true, latencyMs: this.#now() - attemptStart });
        return result;
      }
      // Follow-ups of answers given from another upstream name them by id: fill them in from memory.
      const callerBody =
        run.input.dialect === 'openai-responses' ? await this.#memory.resolve(run.input.body, native) : run.input.body;
      const source = callerBody === run.input.body ? run : { ...run, input: { ...run.input, body: callerBody } };
      const prepared = prepareBody(source, native, credential.provider, upstreamModel, this.#foreignThinking);
      const remember =
        run.input.dialect === 'openai-responses' && native !== 'openai-responses'
          ? (answer: unknown) => this.#remember(callerBody, answer)
          : undefined;
      common.warnings = prepared.warnings;
      const betas = run.input.headers?.['anthropic-beta'];
      if (betas && native !== 'anthropic-messages') {
        // Anthropic betas only mean something to Anthropic; elsewhere they are dropped, and the caller is told.
        common.warnings = [
          ...common.warnings,
          `dropped-anthropic-beta: ${credential.provider} has no Anthropic betas (${betas})`,
        ];
      }
      const limits = {
        firstByteMs: run.stream ? this.#timeouts.firstByteMs : 0,
        idleMs: run.stream ? this.#timeouts.idleMs : 0,
        totalMs: remaining,
      };
      if (limits.firstByteMs > 0 || limits.totalMs > 0) {
        watchdog = startWatchdog(limits, (reason) => controller.abort(reason), Date.now);
      }
      let response: ExecutorResponse;
      try {
        response = await executor.execute({
          credential,
          dialect: native,
          operation,
          model: upstreamModel,
          body: prepared.body,
          stream: run.stream,
          headers: passThroughHeaders(run.input.headers),
          signal: controller.signal,
          requestId: run.requestId,
        });
      } catch (err) {
        throw watchdog?.fired ?? err;
      }
      if (response.quota) await this.#cooldowns.quota(credential.id, response.quota);
      // Gemini may have renamed the caller's tools to fit its rules: its answer is mapped back to their names.
      const toolNames =
        native === 'gemini' && run.input.dialect !== 'gemini'
          ? requestToolNames(run.input.dialect, run.input.body)
          : undefined;
      const finish = (outcome: { error?: SwitchyardError; usage?: Usage; ttfbMs?: number }) => {
        release();
        const error = outcome.error;
        if (!error) void this.#cooldowns.succeeded(credential.id, run.route.request.model, staleCooldown);
        else this.#streamFailed(run, credential, error);
        this.#emit('onResult', {
          ...info,
          ok: !error,
          ...(error ? { error } : {}),
          latencyMs: this.#now() - attemptStart,
        });
        this.#usage({
          input: run.input,
          requestId: run.requestId,
          started: run.started,
          modelRequested: run.requested,
          modelUsed: upstreamModel,
          credential,
          attempts: run.attempt,
          ...outcome,
        });
        if (run.stream) this.#settle(run);
      };
      if (run.stream) {
        return await streamResponse({
          response,
          from: native,
          to: run.input.dialect,
          includeUsage: includeUsage(run.input),
          toolNames,
          maxEventBytes: this.#maxEventBytes,
          watchdog: watchdog ?? startWatchdog({ firstByteMs: 0, idleMs: 0, totalMs: 0 }, () => {}, Date.now),
          now: this.#now,
          started: run.started,
          common,
          finish,
          onTail: remember && ((bytes: Uint8Array) => remember(completedResponse(bytes))),
        });
      }
      let result: Awaited<ReturnType<typeof readResponse>>;
      try {
        result = await readResponse({ response, from: native, to: run.input.dialect, operation, toolNames, common });
      } catch (err) {
        throw watchdog?.fired ?? err;
      }
      finish({ usage: result.usage });
      remember?.(result.translated);
      return result.result;
    } catch (thrown) {
      release();
      if (watchdog?.firedTotal) run.expired = true;
      // Our own abort (a timeout, `close()`) is reported as itself, not as the abort it caused.
      const reason: unknown = controller.signal.reason;
      const err = controller.signal.aborted && !signal?.aborted && SwitchyardError.is(reason) ? reason : thrown;
      const error = this.#normalize(err, run);
      const result = run.expired ? {} : await this.#onFailure(run, credential, executor, error);
      if (run.expired) run.decision = { retry: false, refresh: false, transient: false };
      this.#emit('onResult', { ...info, ok: false, error, latencyMs: this.#now() - attemptStart, ...result });
      throw error;
    }
  }

  /** Retry while the failure table says so, the caller is still there, time is left and we are not closing. */
  #mayRetry(run: RunState): boolean {
    return run.decision?.retry === true && !run.input.signal?.aborted && !run.expired;
  }

  /** Keeps a Responses answer the gateway made up from another upstream's, for follow-ups that name it. */
  #remember(request: Record<string, unknown>, answer: unknown): void {
    if (typeof answer !== 'object' || answer === null) return;
    const { id, output } = answer as { id?: unknown; output?: unknown };
    if (typeof id !== 'string' || !Array.isArray(output)) return;
    this.#memory.remember(id, inputItems(request), output as Array<Record<string, unknown>>);
  }

  /** A stream that failed after its first byte: reported once, with its cause when it was a bug. */
  #streamFailed(run: RunState, credential: Credential, error: SwitchyardError): void {
    if (error.kind === 'aborted' || error.kind === 'closed') return;
    this.#lastError.set(credential.id, { kind: error.kind, at: this.#now() });
    const fields = { requestId: run.requestId, credentialId: credential.id, code: error.code };
    if (error.kind === 'internal') {
      this.#logger.error({ ...fields, cause: causeText(error.cause, secretsOf(run)) }, 'stream failed in code');
    } else {
      this.#logger.warn({ ...fields, error: scrubSecrets(error.message, secretsOf(run)) }, error.message);
    }
  }

  async #pick(run: RunState): Promise<Credential> {
    const { route } = run;
    for (;;) {
      const now = this.#now();
      const selector = this.#selector;
      const needs = selector.needs ?? {};
      const selection = await this.state.selection({
        cursorKey: route.key,
        model: route.request.model,
        now,
        ...(needs.cursor ? { advanceCursor: true } : {}),
        ...(needs.inFlight ? { withInFlight: true } : {}),
      });
      const unavailable = selection.unavailable;
      const executors = this.#executors;
      const tried = run.tried;
      const ctx: PickContext = {
        model: route.request.model,
        key: route.key,
        cursor: selection.cursor,
        isAvailable: (c) => {
          if (tried.has(c.id) || !executors.has(c.provider)) return false;
          const until = unavailable.get(c.id);
          return until === undefined || until <= now;
        },
        state: this.state,
        now,
      };
      if (selection.inFlight) ctx.inFlight = selection.inFlight;
      if (needs.session) {
        if (run.sessionKey === undefined) {
          run.sessionKey = extractSessionKey(run.input.dialect, run.input.body, run.input.headers ?? {}) ?? null;
        }
        if (run.sessionKey !== null) ctx.sessionKey = `${route.key}|${run.sessionKey}`;
      }
      const picked = await selector.pick(route.candidates, ctx);
      if (picked) {
        run.staleCooldown = unavailable.has(picked.id);
        return this.#credentials.get(picked.id) ?? picked;
      }

      // Nothing available: explain why, or wait for the earliest cooldown when allowed.
      const limited = run.lastError?.kind === 'rate_limited' || run.lastError?.kind === 'quota_exhausted';
      if (run.lastError && !limited) throw run.lastError;
      let earliest = Number.POSITIVE_INFINITY;
      for (const c of route.candidates) {
        if (!executors.has(c.provider)) continue;
        const until = unavailable.get(c.id);
        if (until !== undefined && until > now && until < earliest) earliest = until;
      }
      if (run.lastError && earliest === Number.POSITIVE_INFINITY) throw run.lastError;
      if (earliest === Number.POSITIVE_INFINITY) {
        const missing = route.candidates.find((c) => !executors.has(c.provider));
        throw new NoCredentialsError(
          missing
            ? `No executor is registered for provider '${missing.provider}'`
            : `No credential can serve '${route.key}' right now`,
        );
      }
      const waitMs = Math.max(0, earliest - now);
      if (run.lastError || waitMs > this.#retry.maxWaitMs) {
        throw new RateLimitedError(`Every credential for '${route.key}' is cooling down`, {
          retryAfterMs: waitMs,
        });
      }
      await sleep(waitMs, run.input.signal);
    }
  }

  async #onFailure(
    run: RunState,
    credential: Credential,
    executor: Executor,
    error: SwitchyardError,
  ): Promise<Pick<AttemptResult, 'cooldown'>> {
    run.lastError = error;
    if (error.kind !== 'aborted' && error.kind !== 'closed') {
      this.#lastError.set(credential.id, { kind: error.kind, at: this.#now() });
    }
    if (error.kind === 'internal') {
      // A bug (ours or a custom executor's): logged once with its cause; it cools nothing and is not retried.
      this.#logger.error(
        { requestId: run.requestId, credentialId: credential.id, cause: causeText(error.cause, secretsOf(run)) },
        'request failed in code, before reaching the upstream',
      );
      run.decision = { retry: false, refresh: false, transient: false };
      return {};
    }
    if ((error as unknown as Record<symbol, unknown>)[REFRESH_FAILED]) {
      // The refresher recorded its own backoff; fail over.
      run.decision = { retry: true, refresh: false, transient: false };
      return {};
    }
    const { decision, cooldown } = await this.#cooldowns.failed({
      credentialId: credential.id,
      model: run.route.request.model,
      error,
      canRefresh: !run.refreshed.has(credential.id) && this.#refresher.canRefresh(credential, executor),
      requestId: run.requestId,
    });
    run.decision = decision;
    if (decision.refresh) {
      run.refreshNext = credential;
      run.tried.delete(credential.id);
    }
    return cooldown ? { cooldown } : {};
  }

  #normalize(err: unknown, run: RunState): SwitchyardError {
    if (run.input.signal?.aborted) {
      return SwitchyardError.is(err) && err.kind === 'aborted'
        ? err
        : new AbortedError('The request was aborted', { cause: run.input.signal.reason });
    }
    if (SwitchyardError.is(err)) return err;
    const internal = asInternal(err);
    return createError('internal', scrubSecrets(internal.message, secretsOf(run)), { status: 500, cause: err });
  }

  #finalError(err: unknown, run: RunState): SwitchyardError {
    let error = this.#normalize(err, run);
    const cap = this.#policy.maxCooldownMs;
    const retryAfterMs = error.retryAfterMs === undefined ? undefined : Math.min(error.retryAfterMs, cap);
    if (run.used.length > 0 || retryAfterMs !== error.retryAfterMs) {
      const clean = scrubSecrets(error.message, secretsOf(run));
      if (clean !== error.message || retryAfterMs !== error.retryAfterMs) {
        // The caller sees the capped wait: an upstream's ten-day hint must not reach it as is.
        error = createError(error.kind, clean, {
          status: error.status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          ...(error.credentialId ? { credentialId: error.credentialId } : {}),
          ...(error.upstream ? { upstream: error.upstream } : {}),
          ...(error.param ? { param: error.param } : {}),
        });
      }
    }
    return error;
  }

  #onStoreEvent(event: TokenStoreEvent): void {
    if (event.type === 'upsert') this.#upsert(event.credential);
    else if (event.type === 'delete') {
      if (this.#credentials.delete(event.id)) this.#rebuild();
    } else {
      this.#logger.warn({ credentialId: event.id, error: event.error.message }, 'unreadable credential skipped');
    }
  }

  #upsert(credential: Credential): void {
    const previous = this.#credentials.get(credential.id);
    this.#credentials.set(credential.id, credential);
    if (previous && secretsChanged(previous, credential)) {
      // A new secret lifts "disabled until the secret changes" and every other cooldown.
      void Promise.resolve(this.state.clearCredential(credential.id)).catch(() => {});
    }
    this.#rebuild();
  }

  #rebuild(): void {
    this.#router.setCredentials([...this.#credentials.values()]);
  }

  #emit<K extends keyof ManagerHooks>(name: K, arg: Parameters<NonNullable<ManagerHooks[K]>>[0]): void {
    const hook = this.#hooks[name] as ((a: typeof arg) => void) | undefined;
    if (!hook) return;
    try {
      hook(arg);
    } catch (err) {
      this.#logger.warn({ hook: name, error: err instanceof Error ? err.message : String(err) }, 'hook threw');
    }
  }

  #usage(args: UsageArgs): void {
    if (this.#hooks.onUsage) this.#emit('onUsage', buildUsageRecord(args, this.#now()));
  }
}

const PASS_THROUGH = ['anthropic-beta', 'anthropic-version'];

function passThroughHeaders(headers: ExecuteInput['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name of PASS_THROUGH) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function includeUsage(input: ExecuteInput): boolean {
  if (input.dialect !== 'openai-chat') return true;
  const options = input.body.stream_options as { include_usage?: unknown } | undefined;
  return options?.include_usage === true;
}

function secretsChanged(a: Credential, b: Credential): boolean {
  return (
    a.apiKey !== b.apiKey ||
    a.oauth?.accessToken !== b.oauth?.accessToken ||
    a.oauth?.refreshToken !== b.oauth?.refreshToken ||
    a.disabled !== b.disabled
  );
}

/** The response object of the `response.completed` event in the closing bytes of a Responses stream. */
function completedResponse(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf('event: response.completed\n');
  if (at === -1) return undefined;
  const data = text.indexOf('data: ', at);
  const end = text.indexOf('\n', data);
  if (data === -1) return undefined;
  try {
    return (JSON.parse(text.slice(data + 6, end === -1 ? undefined : end)) as { response?: unknown }).response;
  } catch {
    return undefined;
  }
}

function compactTimeouts(timeouts: TimeoutOptions | undefined): TimeoutOptions {
  const out: TimeoutOptions = {};
  if (!timeouts) return out;
  for (const key of ['firstByteMs', 'idleMs', 'totalMs'] as const) {
    const value = timeouts[key];
    if (value !== undefined) out[key] = Math.max(0, value);
  }
  return out;
}

function validCredential(credential: Credential): Credential {
  try {
    return parseCredential(credential);
  } catch (err) {
    throw new InvalidRequestError((err as Error).message, { cause: err });
  }
}

/** Every secret of the credentials a request used, computed only when something is about to be reported. */
function secretsOf(run: { used: readonly Credential[] }): string[] {
  return run.used.flatMap((c) => credentialSecrets(c));
}

/** The cause of a bug as one line for the log, secrets removed. */
function causeText(cause: unknown, secrets: Iterable<string>): string {
  const text =
    cause instanceof Error ? `${cause.name}: ${cause.message}${cause.stack ? `\n${cause.stack}` : ''}` : String(cause);
  return scrubSecrets(text, secrets);
}

function codeOf(err: unknown): string | undefined {
  return SwitchyardError.is(err) ? err.code : undefined;
}

export type { Dialect };
