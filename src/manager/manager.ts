import pRetry from 'p-retry';
import type { Credential } from '../core/credential.js';
import { credentialSecrets } from '../core/credential.js';
import {
  AbortedError,
  createError,
  ModelNotFoundError,
  NoCredentialsError,
  RateLimitedError,
  SwitchyardError,
  UpstreamError,
} from '../core/errors.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { Executor, ExecutorResponse } from '../executors/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { requestToolNames } from '../translate/translate.js';
import { CooldownKeeper } from './cooldown-keeper.js';
import { CredentialRefresher, REFRESH_FAILED } from './credential-refresher.js';
import type { CooldownPolicy, FailureDecision, QuotaExceededBehaviour } from './failure-policy.js';
import { DEFAULT_COOLDOWN_POLICY } from './failure-policy.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { ModelRouter, type Route } from './model-router.js';
import { localTokenCount, prepareBody, readResponse, streamResponse } from './respond.js';
import { PrioritySelector } from './selectors/priority.js';
import { RoundRobinSelector } from './selectors/round-robin.js';
import { extractSessionKey } from './selectors/session-key.js';
import type { PickContext, Selector } from './selectors/types.js';
import { sleep } from './sleep.js';
import { MemoryStateStore } from './state/memory-state-store.js';
import type { Cooldown, StateStore } from './state/types.js';
import { MemoryTokenStore } from './stores/memory-token-store.js';
import type { TokenStore, TokenStoreEvent } from './stores/types.js';
import type { AttemptResult, ExecuteInput, ExecuteResult, ManagerHooks } from './types.js';
import { buildUsageRecord, type UsageArgs } from './usage-record.js';

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
  /** A stream that sends nothing for this long after its headers fails over (while nothing was sent). Default 60 s. */
  firstByteTimeoutMs?: number;
  /** Credentials with a prefix only serve requests naming it. Default false. */
  forceModelPrefix?: boolean;
  /** TTL of session affinity bindings, ms (used by the default sticky selector). Default 1 h. */
  sessionTtlMs?: number;
  /** What to do with thinking blocks produced by another provider: drop them (default) or turn them into text. */
  foreignThinking?: 'drop' | 'text';
  hooks?: ManagerHooks;
  logger?: Logger;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

interface RunState {
  input: ExecuteInput;
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
  secrets: Set<string>;
  sessionKey?: string | null;
  lastCredential?: Credential;
  /** The picked credential had an expired cooldown entry: a success clears it (and its strikes). */
  staleCooldown?: boolean;
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
  readonly selector: Selector;
  readonly #executors = new Map<string, Executor>();
  readonly #router: ModelRouter;
  readonly #credentials = new Map<string, Credential>();
  readonly #policy: CooldownPolicy;
  readonly #retry: Required<RetryOptions>;
  readonly #quotaExceeded: QuotaExceededBehaviour;
  readonly #firstByteTimeoutMs: number;
  readonly #foreignThinking: 'drop' | 'text';
  readonly #hooks: ManagerHooks;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #refresher: CredentialRefresher;
  readonly #cooldowns: CooldownKeeper;
  #ready: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;
  #closed = false;

  constructor(options: ManagerOptions = {}) {
    this.store = options.store ?? new MemoryTokenStore(options.credentials ?? []);
    this.state = options.state ?? new MemoryStateStore();
    this.selector = options.selector ?? new PrioritySelector(new RoundRobinSelector());
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
    this.#firstByteTimeoutMs = options.firstByteTimeoutMs ?? 60_000;
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
  ): Promise<Array<{ id: string; providers: string[] }>> {
    await this.start();
    const listed = this.#router.listModels();
    const byId = new Map(listed.map((m) => [m.id, m]));
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
      if (!entry) byId.set(model.id, { id: model.id, providers: [model.provider] });
      else if (!entry.providers.includes(model.provider)) entry.providers.push(model.provider);
    }
    return [...byId.values()];
  }

  /** Stops following the store and closes the stores. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch?.();
    await this.store.close?.();
    await this.state.close?.();
  }

  /**
   * Serves one request: picks a credential, calls its upstream, fails over on retryable errors while
   * nothing has reached the caller, and answers in the caller's dialect. Rejects with a
   * {@link SwitchyardError} (never with a secret in its message).
   */
  async execute(input: ExecuteInput): Promise<ExecuteResult> {
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
      requestId,
      route,
      stream: input.stream ?? input.body.stream === true,
      started,
      tried: new Set(),
      attempt: 0,
      refreshed: new Set(),
      bodies: new Map(),
      secrets: new Set(),
    };
    try {
      // Most requests succeed at once: the first attempt runs outside p-retry, which is only set up
      // (with its timers and signal wiring) once a retry is actually due.
      try {
        return await this.#attempt(run);
      } catch (err) {
        if (run.decision?.retry !== true || input.signal?.aborted || this.#retry.attempts < 2) throw err;
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
        shouldRetry: () => run.decision?.retry === true && !input.signal?.aborted,
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
    let credential: Credential;
    if (run.refreshNext) {
      credential = run.refreshNext;
      run.staleCooldown = false;
    } else credential = await this.#pick(run);
    const forceRefresh = run.refreshNext !== undefined;
    run.refreshNext = undefined;
    run.attempt += 1;
    run.lastCredential = credential;
    for (const secret of credentialSecrets(credential)) run.secrets.add(secret);
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
    let acquired = false;
    try {
      if (forceRefresh || this.#refresher.isDue(credential, executor)) {
        run.refreshed.add(credential.id);
        credential = await this.#refresher.refresh(credential, executor);
        for (const secret of credentialSecrets(credential)) run.secrets.add(secret);
      }
      run.tried.add(credential.id);
      this.#emit('onAttempt', info);
      await this.state.acquire(credential.id);
      acquired = true;
      const staleCooldown = run.staleCooldown === true;
      const native = executor.nativeDialect(run.input.dialect, credential);
      const operation = run.input.operation ?? 'generate';
      if (operation === 'count_tokens' && native === 'openai-chat') {
        // Chat Completions has no token counter: answer with the documented local estimate.
        const result = localTokenCount(run.input.dialect, run.input.body, {
          requestId: run.requestId,
          credentialId: credential.id,
          provider: credential.provider,
          model: upstreamModel,
          warnings: ['count-tokens-estimated: the upstream cannot count tokens; this is a local estimate'],
        });
        this.state.release(credential.id);
        acquired = false;
        this.#emit('onResult', { ...info, ok: true, latencyMs: this.#now() - attemptStart });
        return result;
      }
      const prepared = prepareBody(run, native, credential.provider, upstreamModel, this.#foreignThinking);
      // A stream needs its own controller (a first-byte timeout aborts the upstream); a non-stream call
      // uses the caller's signal as it is, which saves a controller and two listeners per request.
      const controller = run.stream || !signal ? new AbortController() : undefined;
      const upstreamSignal = controller?.signal ?? signal!;
      const onAbort = () => controller?.abort(signal?.reason);
      if (controller) signal?.addEventListener('abort', onAbort, { once: true });
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
          signal: upstreamSignal,
          requestId: run.requestId,
        });
      } catch (err) {
        signal?.removeEventListener('abort', onAbort);
        throw err;
      }
      if (response.quota) await this.#cooldowns.quota(credential.id, response.quota);
      // Gemini may have renamed the caller's tools to fit its rules: its answer is mapped back to their names.
      const toolNames =
        native === 'gemini' && run.input.dialect !== 'gemini'
          ? requestToolNames(run.input.dialect, run.input.body)
          : undefined;
      const common = {
        requestId: run.requestId,
        credentialId: credential.id,
        provider: credential.provider,
        model: upstreamModel,
        warnings: prepared.warnings,
      };
      const finish = (outcome: { error?: SwitchyardError; usage?: Usage; ttfbMs?: number }) => {
        signal?.removeEventListener('abort', onAbort);
        this.state.release(credential.id);
        if (!outcome.error) void this.#cooldowns.succeeded(credential.id, run.route.request.model, staleCooldown);
        this.#emit('onResult', {
          ...info,
          ok: !outcome.error,
          ...(outcome.error ? { error: outcome.error } : {}),
          latencyMs: this.#now() - attemptStart,
        });
        this.#usage({
          input: run.input,
          requestId: run.requestId,
          started: run.started,
          modelRequested: run.input.model ?? String(run.input.body.model),
          modelUsed: upstreamModel,
          credential,
          attempts: run.attempt,
          ...outcome,
        });
      };
      if (run.stream) {
        return await streamResponse({
          response,
          from: native,
          to: run.input.dialect,
          includeUsage: includeUsage(run.input),
          toolNames,
          firstByteTimeoutMs: this.#firstByteTimeoutMs,
          abort: (reason) => controller!.abort(reason),
          signal: upstreamSignal,
          now: this.#now,
          started: run.started,
          common,
          finish,
        });
      }
      const result = await readResponse({
        response,
        from: native,
        to: run.input.dialect,
        operation,
        toolNames,
        common,
      });
      finish({ usage: result.usage });
      return result.result;
    } catch (err) {
      if (acquired) this.state.release(credential.id);
      const error = this.#normalize(err, run);
      const result = await this.#onFailure(run, credential, executor, error);
      this.#emit('onResult', { ...info, ok: false, error, latencyMs: this.#now() - attemptStart, ...result });
      throw error;
    }
  }

  async #pick(run: RunState): Promise<Credential> {
    const { route } = run;
    for (;;) {
      const now = this.#now();
      const needs = this.selector.needs ?? {};
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
      const picked = await this.selector.pick(route.candidates, ctx);
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
    const message = err instanceof Error ? err.message : String(err);
    return new UpstreamError(scrubSecrets(message, run.secrets), { cause: err });
  }

  #finalError(err: unknown, run: RunState): SwitchyardError {
    let error = this.#normalize(err, run);
    if (run.secrets.size > 0) {
      const clean = scrubSecrets(error.message, run.secrets);
      if (clean !== error.message) {
        error = createError(error.kind, clean, {
          status: error.status,
          ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
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

function codeOf(err: unknown): string | undefined {
  return SwitchyardError.is(err) ? err.code : undefined;
}

export type { Dialect };
