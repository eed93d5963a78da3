import { type Credential, unsetSecretProblem } from '../core/credential.js';
import { parseCredential } from '../core/credential-schema.js';
import {
  ClosedError,
  ConflictError,
  createError,
  InvalidRequestError,
  ModelNotFoundError,
  type SwitchyardError,
} from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { newRequestId } from '../core/request-id.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { Executor } from '../executors/types.js';
import type { Dialect } from '../translate/dialect.js';
import { decodeEmbeddingRequest } from '../translate/embeddings/plan.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../translate/stream-converter.js';
import { type AttemptDeps, normalizeError, runAttempt } from './attempt.js';
import { CooldownKeeper } from './cooldown-keeper.js';
import { DEFAULT_PRICES, type PriceTable } from './cost/price-table.js';
import { createUsagePricer, type UsagePricer } from './cost/usage-pricer.js';
import { CredentialRefresher } from './credential-refresher.js';
import type { CooldownPolicy, QuotaExceededBehaviour } from './failure-policy.js';
import { DEFAULT_COOLDOWN_POLICY } from './failure-policy.js';
import { type ListedModel, type ListModelsOptions, listModels } from './list-models.js';
import { credentialStatuses } from './manager-status.js';
import { ModelRouter, type Route } from './model-router.js';
import { pickCredential } from './pick-credential.js';
import { ResponseMemory, type ResponseMemoryOptions } from './response-memory.js';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from './retry-loop.js';
import { type ContentCapture, capture, type RunState, secretsOf } from './run-state.js';
import { PrioritySelector } from './selectors/priority.js';
import { RoundRobinSelector } from './selectors/round-robin.js';
import type { Selector } from './selectors/types.js';
import { MemoryStateStore } from './state/memory/memory-state-store.js';
import type { Cooldown, StateStore } from './state/types.js';
import { MemoryTokenStore } from './stores/memory/memory-token-store.js';
import type { TokenStore, TokenStoreEvent } from './stores/types.js';
import type { ExecuteInput, ExecuteResult, ManagerHooks, ManagerStatus, UsageRecord } from './types.js';
import { buildContentRecord, buildUsageRecord, type UsageArgs } from './usage-record.js';
import { resolveTimeouts, type TimeoutOptions } from './watchdog.js';

export type { RetryOptions } from './retry-loop.js';
export { DEFAULT_TIMEOUTS, type TimeoutOptions } from './watchdog.js';

/** Options of {@link Manager.close}. */
export interface CloseOptions {
  /** How long requests and streams in flight may finish before they are aborted, ms. Default 10 000. */
  graceMs?: number;
}

/** Options of the {@link Manager}. */
export interface ManagerOptions {
  /** Where credentials live. Default: a {@link MemoryTokenStore} seeded with `credentials`. */
  store?: TokenStore;
  /**
   * Credentials for the default in-memory store. Ignored when `store` is given. One with `apiKey:
   * undefined` and no OAuth token (an unset environment variable) makes the constructor throw a
   * `ConfigError` naming it.
   */
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
  /**
   * Most bytes of an answer kept for `hooks.onContent` (only when some hook set has it). Default 1 MiB;
   * a longer answer is cut there and marked `truncated`.
   */
  maxContentBytes?: number;
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
  /**
   * Prices per model, from which every usage record's `cost` is computed. Default: the shipped table
   * ({@link DEFAULT_PRICES}); `false` leaves records without cost.
   */
  prices?: PriceTable | false;
  logger?: Logger;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
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
  /** The hook sets in order: the constructor's first, then each `addHooks` call's. */
  #hooks: ManagerHooks[];
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #attempt: AttemptDeps;
  readonly #price: UsagePricer | undefined;
  #ready: Promise<void> | undefined;
  /** True once `start()` has finished: `execute` then skips awaiting it. */
  #loaded = false;
  readonly #maxContentBytes: number;
  #unwatch: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  /** Executions in flight (until a non-stream answer is returned or a stream ends), and who waits for none. */
  #inFlight = 0;
  #drained: (() => void) | undefined;

  constructor(options: ManagerOptions = {}) {
    this.store = options.store ?? new MemoryTokenStore(options.credentials ?? []);
    this.state = options.state ?? new MemoryStateStore();
    this.#selector = options.selector ?? new PrioritySelector(new RoundRobinSelector());
    for (const executor of options.executors ?? []) this.registerExecutor(executor);
    this.#router = new ModelRouter({ forceModelPrefix: options.forceModelPrefix ?? false });
    this.#policy = { ...DEFAULT_COOLDOWN_POLICY, ...options.cooldowns };
    this.#retry = {
      attempts: Math.max(1, options.retry?.attempts ?? DEFAULT_RETRY.attempts),
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
      maxWaitMs: options.retry?.maxWaitMs ?? DEFAULT_RETRY.maxWaitMs,
    };
    this.#hooks = options.hooks ? [options.hooks] : [];
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#maxContentBytes = Math.max(0, options.maxContentBytes ?? 1024 * 1024);
    this.#price =
      options.prices === false ? undefined : createUsagePricer(options.prices ?? DEFAULT_PRICES, this.#logger);
    const logger = this.#logger;
    const now = this.#now;
    const state = this.state;
    this.#attempt = {
      state,
      executors: this.#executors,
      refresher: new CredentialRefresher({
        store: this.store,
        state,
        logger,
        now,
        failureBackoffMs: this.#policy.refreshFailureMs,
        failureBackoffMaxMs: this.#policy.rateLimitMaxMs,
        onRefreshed: (credential) => this.#upsert(credential),
      }),
      cooldowns: new CooldownKeeper({
        state,
        policy: this.#policy,
        quotaExceeded: options.quotaExceeded ?? 'skip-model',
        logger,
        now,
      }),
      memory: new ResponseMemory(state, logger, options.responseMemory),
      logger,
      now,
      timeouts: resolveTimeouts(options.timeouts, options.firstByteTimeoutMs),
      maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      foreignThinking: options.foreignThinking ?? 'drop',
      active: new Set(),
      lastError: new Map(),
      pick: (run) =>
        pickCredential(
          {
            state,
            selector: this.#selector,
            executors: this.#executors,
            current: (id) => this.#credentials.get(id),
            now,
            maxWaitMs: this.#retry.maxWaitMs,
          },
          run,
        ),
      emit: (name, arg) => this.#emit(name, arg),
      usage: (args) => this.#usage(args),
      settle: (run) => this.#settle(run),
    };
  }

  /** The routing strategy in force. */
  get selector(): Selector {
    return this.#selector;
  }

  /** Swaps the routing strategy on a live Manager (a config reload changed it); requests in flight keep theirs. */
  setSelector(selector: Selector): void {
    this.#selector = selector;
  }

  /**
   * Adds a set of hooks beside the constructor's (metrics, traces and usage sinks each add their own).
   * Every set sees every event, in the order they were added; one that throws is logged and skipped.
   * Returns a function that removes this set again.
   */
  addHooks(hooks: ManagerHooks): () => void {
    this.#hooks = [...this.#hooks, hooks];
    return () => {
      this.#hooks = this.#hooks.filter((h) => h !== hooks);
    };
  }

  /** The cooldown table in force (the defaults with `ManagerOptions.cooldowns` over them). */
  get cooldownPolicy(): Readonly<CooldownPolicy> {
    return this.#policy;
  }

  /**
   * Hands a usage record made by another front end on this Manager's state (the key-rotation proxy)
   * to every `onUsage` hook, so it reaches the same ledger, metrics and traces as the Manager's own.
   */
  reportUsage(record: UsageRecord): void {
    if (this.#hooks.some((hooks) => hooks.onUsage)) this.#emit('onUsage', record);
  }

  /** Registers (or replaces) the executor for its `provider` id. */
  registerExecutor(executor: Executor): void {
    this.#executors.set(executor.provider, executor);
  }

  /** The provider ids it has an executor for, sorted. */
  providers(): string[] {
    return [...this.#executors.keys()].sort();
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
    this.#loaded = true;
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
   * Charges `amount` to the fixed window `key` of the shared state and returns the window's total and
   * its end (a window opens at its first charge and lasts `windowMs`). Every instance sharing the state
   * store shares the window, so front ends keep their per-caller rate limits and token budgets here (the
   * HTTP handler does); an `amount` of 0 reads the window.
   *
   * @param now The caller's clock, ms. Default: the Manager's `now`.
   * @example
   * ```ts
   * const { total, resetAt } = await manager.chargeWindow('rpm:team-a', 1, 60_000);
   * if (total > 600) console.log(`over the limit until ${new Date(resetAt).toISOString()}`);
   * ```
   */
  async chargeWindow(
    key: string,
    amount: number,
    windowMs: number,
    now: number = this.#now(),
  ): Promise<{ total: number; resetAt: number }> {
    return this.state.hit(key, amount, windowMs, now);
  }

  /**
   * The model names clients can ask for: the credentials' model lists and aliases, plus, for credentials
   * without a list (they serve any model of their provider), what their executor's `listModels` reports
   * (cached by the executor, with the upstream's creation date; a provider that fails or takes longer
   * than `timeoutMs` is left out).
   */
  async listModels(options: ListModelsOptions = {}): Promise<ListedModel[]> {
    await this.start();
    return listModels(this.#router, this.#credentials.values(), this.#executors, this.#logger, options);
  }
  /**
   * Adds a credential through the store (so every instance following it sees it) and routes it at once.
   * Rejects with a `conflict` error when the id exists, `invalid_request` when the record is malformed
   * (including `apiKey: undefined` with no OAuth token).
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
    this.#attempt.lastError.delete(id);
    await this.state.clearCredential(id);
  }

  /**
   * Counts one more unit of work in flight under `key` (across instances sharing the state store) and
   * returns the new count; pair every call with one {@link Manager.releaseSlot}. Front ends cap the
   * requests in flight per caller with it (the HTTP handler does, for `maxConcurrent`).
   */
  async acquireSlot(key: string): Promise<number> {
    return this.state.acquire(`slot:${key}`);
  }

  /** Ends one unit of work counted by {@link Manager.acquireSlot}. */
  releaseSlot(key: string): void {
    this.state.release(`slot:${key}`);
  }

  /**
   * Lifts every cooldown of a credential (per model and credential-wide), its open circuit and a
   * disable-until-the-secret-changes, for every instance sharing the state store. Its record's own
   * `disabled` flag stays: that is `updateCredential`'s.
   */
  async clearCooldowns(id: string): Promise<void> {
    await this.start();
    await this.state.clearCredential(id);
    await this.state.recordSuccess(id);
    this.#attempt.lastError.delete(id);
  }

  /**
   * A snapshot of every credential's state: in flight, cooldowns per model with reason and until,
   * circuit, disabled, last error kind and the latest quota snapshot. No secrets. The management API
   * serves exactly this.
   */
  async status(): Promise<ManagerStatus> {
    await this.start();
    const { state, lastError } = this.#attempt;
    const credentials = await credentialStatuses(this.#credentials.values(), state, lastError, this.#now());
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
        for (const controller of this.#attempt.active)
          controller.abort(new ClosedError('The gateway is shutting down'));
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
   *
   * With `operation: 'embed'` the body is read once (a malformed one is refused with `invalid_request`
   * before any credential is picked), only credentials whose executor has an embeddings API are
   * candidates, and each attempt sends the batches that credential's upstream takes.
   */
  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    if (this.#closing) throw new ClosedError('The gateway is shutting down and takes no new requests');
    if (!this.#loaded) await this.start();
    const started = this.#now();
    const requestId = input.requestId ?? newRequestId();
    const requested = input.model ?? (typeof input.body.model === 'string' ? input.body.model : undefined);
    if (!requested) {
      throw createError('invalid_request', 'The request names no model', { status: 400 });
    }
    // An embedding body is read before anything is routed: bad input is the caller's 400, whatever serves it.
    const embedding = input.operation === 'embed' ? decodeEmbeddingRequest(input.dialect, input.body) : undefined;
    const resolved = this.#router.resolve(requested);
    const grouped = resolved && input.groups ? withinGroups(resolved, input.groups) : resolved;
    let route = grouped && input.credentialId ? onlyCredential(grouped, input.credentialId) : grouped;
    if (route && embedding) {
      route = this.#embeddingRoute(route);
      if (!route) {
        const error = new ModelNotFoundError(
          `The model '${requested}' is not served by any credential whose provider has an embeddings API`,
        );
        this.#usage({ input, requestId, started, modelRequested: requested, attempts: 0, error });
        throw error;
      }
    }
    if (!route) {
      const error = new ModelNotFoundError(
        grouped && input.credentialId
          ? `The model '${requested}' is not served by the credential '${input.credentialId}'`
          : resolved && input.groups
            ? `The model '${requested}' is not served by a credential of the groups ${input.groups.map((g) => `'${g}'`).join(', ')} this caller may use`
            : `The model '${requested}' is not served by any credential`,
      );
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
      upstreamMs: 0,
      deadline: this.#attempt.timeouts.totalMs > 0 ? Date.now() + this.#attempt.timeouts.totalMs : 0,
    };
    if (this.#hooks.some((hooks) => hooks.onContent)) {
      run.content = { chunks: [], bytes: 0, max: this.#maxContentBytes, truncated: false };
    }
    if (embedding) run.embedding = embedding;
    this.#inFlight++;
    try {
      const result = await this.#run(run);
      if (!result.stream) this.#settle(run);
      else if (run.content) return { ...result, body: captured(result.body as AsyncIterable<Uint8Array>, run.content) };
      return result;
    } catch (err) {
      this.#settle(run);
      throw err;
    }
  }

  async #run(run: RunState): Promise<ExecuteResult> {
    try {
      return await withRetries(
        () => runAttempt(this.#attempt, run),
        () => run.decision?.retry === true && !run.input.signal?.aborted && !run.expired,
        this.#retry,
        run.input.signal,
      );
    } catch (err) {
      const error = this.#finalError(err, run);
      this.#usage({
        input: run.input,
        requestId: run.requestId,
        started: run.started,
        modelRequested: run.requested,
        attempts: run.attempt,
        upstreamMs: run.upstreamMs,
        error,
        content: run.content,
        ...(run.lastCredential ? { credential: run.lastCredential } : {}),
        modelUsed: run.lastCredential ? run.route.upstreamModel.get(run.lastCredential.id) : undefined,
      });
      throw error;
    }
  }

  #finalError(err: unknown, run: RunState): SwitchyardError {
    let error = normalizeError(err, run);
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

  /** The route cut to the credentials whose executor can embed their upstream model; undefined when none can. */
  #embeddingRoute(route: Route): Route | undefined {
    const candidates = route.candidates.filter(
      (c) =>
        this.#executors.get(c.provider)?.embeddingWire?.(c, route.upstreamModel.get(c.id) ?? route.request.model) !==
        undefined,
    );
    if (candidates.length === 0) return undefined;
    return candidates.length === route.candidates.length ? route : { ...route, candidates };
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
    for (const hooks of this.#hooks) {
      const hook = hooks[name] as ((a: typeof arg) => void) | undefined;
      if (!hook) continue;
      try {
        hook(arg);
      } catch (err) {
        this.#logger.warn({ hook: name, error: err instanceof Error ? err.message : String(err) }, 'hook threw');
      }
    }
  }

  #usage(args: UsageArgs): void {
    if (args.content) this.#emit('onContent', buildContentRecord(args, args.content));
    if (this.#hooks.some((hooks) => hooks.onUsage))
      this.#emit('onUsage', buildUsageRecord(args, this.#now(), this.#price));
  }
}

/**
 * A stream that keeps what passes through for `hooks.onContent`. Each chunk is kept before the caller
 * gets it, so when the stream ends (and its usage is reported) every byte the caller got is there.
 * `next` and `return` go straight to the stream's own iterator: one the caller drops unread still
 * releases its upstream.
 */
function captured(body: AsyncIterable<Uint8Array>, content: ContentCapture): AsyncIterable<Uint8Array> {
  const inner = body[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<Uint8Array> = {
    async next() {
      const next = await inner.next();
      if (!next.done) capture(content, next.value);
      return next;
    },
    return(value?: unknown) {
      return inner.return ? inner.return(value) : Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** The route cut to the credentials of `groups`; undefined when none of them serves it. */
function withinGroups(route: Route, groups: readonly string[]): Route | undefined {
  const candidates = route.candidates.filter((c) => c.group !== undefined && groups.includes(c.group));
  return candidates.length > 0 ? { ...route, candidates } : undefined;
}

/** The route cut to one credential; undefined when it does not serve it. */
function onlyCredential(route: Route, id: string): Route | undefined {
  const candidates = route.candidates.filter((c) => c.id === id);
  return candidates.length > 0 ? { ...route, candidates } : undefined;
}

function secretsChanged(a: Credential, b: Credential): boolean {
  return (
    a.apiKey !== b.apiKey ||
    a.oauth?.accessToken !== b.oauth?.accessToken ||
    a.oauth?.refreshToken !== b.oauth?.refreshToken ||
    a.disabled !== b.disabled
  );
}

function validCredential(credential: Credential): Credential {
  const problem = unsetSecretProblem(credential);
  if (problem) throw new InvalidRequestError(problem, { credentialId: credential.id });
  try {
    return parseCredential(credential);
  } catch (err) {
    throw new InvalidRequestError((err as Error).message, { cause: err });
  }
}

export type { Dialect };
