import type { Credential } from '../core/credential.js';
import { AbortedError, createError, SwitchyardError, TimeoutError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { Executor, ExecutorResponse } from '../executors/types.js';
import type { Usage } from '../translate/dialect.js';
import { requestToolNames } from '../translate/translate.js';
import type { CooldownKeeper } from './cooldown-keeper.js';
import type { CredentialRefresher } from './credential-refresher.js';
import { embedOnCredential } from './embed.js';
import { passThroughHeaders } from './pass-through-headers.js';
import { prepareBody } from './prepare-body.js';
import { localTokenCount, readResponse } from './read-response.js';
import { asInternal, streamResponse } from './relay-stream.js';
import { inputItems, type Resolvers, type ResponseMemory } from './response-memory.js';
import { capture, causeText, type RunState, secretsOf } from './run-state.js';
import type { StateStore } from './state/types.js';
import type { AttemptResult, ExecuteInput, ExecuteResult, ManagerHooks } from './types.js';
import type { UsageArgs } from './usage-record.js';
import { startWatchdog, type TimeoutOptions, type Watchdog } from './watchdog.js';

/** What an attempt needs from the Manager; built once per Manager. */
export interface AttemptDeps {
  state: StateStore;
  executors: ReadonlyMap<string, Executor>;
  refresher: CredentialRefresher;
  cooldowns: CooldownKeeper;
  memory: ResponseMemory;
  logger: Logger;
  now: () => number;
  timeouts: Required<TimeoutOptions>;
  maxEventBytes: number;
  foreignThinking: 'drop' | 'text';
  /** The upstream calls in flight, for `close()` to abort. */
  active: Set<AbortController>;
  /** The kind of each credential's last failure, for `status()`. */
  lastError: Map<string, { kind: string; at: number }>;
  pick(run: RunState): Promise<Credential>;
  emit<K extends keyof ManagerHooks>(name: K, arg: Parameters<NonNullable<ManagerHooks[K]>>[0]): void;
  usage(args: UsageArgs): void;
  /** A stream ended: the request no longer counts as in flight. */
  settle(run: RunState): void;
}

/**
 * Everything one attempt holds (the abort wiring, its place among the calls `close()` may abort, the
 * watchdog, the in-flight slot), released in exactly one place however the attempt ends.
 */
class Lease {
  readonly controller = new AbortController();
  watchdog: Watchdog | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #state: StateStore;
  readonly #active: Set<AbortController>;
  readonly #onAbort = () => this.controller.abort(this.#signal?.reason);
  #slot: string | undefined;
  #released = false;

  constructor(signal: AbortSignal | undefined, state: StateStore, active: Set<AbortController>) {
    this.#signal = signal;
    this.#state = state;
    this.#active = active;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    active.add(this.controller);
  }

  /** Takes the in-flight slot of the credential. */
  async hold(credentialId: string): Promise<void> {
    await this.#state.acquire(credentialId);
    this.#slot = credentialId;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.watchdog?.stop();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#active.delete(this.controller);
    if (this.#slot !== undefined) this.#state.release(this.#slot);
  }

  /** Our own abort (a timeout, `close()`) reported as itself rather than as the abort it caused. */
  reason(thrown: unknown): unknown {
    const { signal } = this.controller;
    return signal.aborted && !this.#signal?.aborted && SwitchyardError.is(signal.reason) ? signal.reason : thrown;
  }
}

/**
 * One attempt of a request on one credential: pick (or the credential to refresh), refresh when due,
 * translate the body, call the executor under the attempt's time limits, and answer (a whole body, or
 * the start of a relayed stream). A failure is classified and recorded (cooldown, circuit) before it is
 * rethrown; `run.decision` then says whether another attempt may follow.
 */
export async function runAttempt(deps: AttemptDeps, run: RunState): Promise<ExecuteResult> {
  run.decision = undefined;
  const signal = run.input.signal;
  if (signal?.aborted) throw new AbortedError('The request was aborted', { cause: signal.reason });
  const remaining = run.deadline === 0 ? 0 : run.deadline - Date.now();
  if (run.deadline !== 0 && remaining <= 0) {
    run.expired = true;
    throw new TimeoutError(`The request took longer than its total limit of ${deps.timeouts.totalMs} ms`);
  }
  let credential: Credential;
  if (run.refreshNext) {
    credential = run.refreshNext;
    run.staleCooldown = false;
  } else credential = await deps.pick(run);
  const forceRefresh = run.refreshNext !== undefined;
  run.refreshNext = undefined;
  run.attempt += 1;
  run.lastCredential = credential;
  run.used.push(credential);
  const executor = deps.executors.get(credential.provider)!;
  const upstreamModel = run.route.upstreamModel.get(credential.id) ?? run.route.request.model;
  const info = {
    requestId: run.requestId,
    attempt: run.attempt,
    credentialId: credential.id,
    provider: credential.provider,
    model: upstreamModel,
  };
  const attemptStart = deps.now();
  // Time spent waiting on the upstream (its answer, or its stream to the end), added to the request's once.
  let callStart = -1;
  const upstreamDone = () => {
    if (callStart < 0) return;
    run.upstreamMs += deps.now() - callStart;
    callStart = -1;
  };
  const lease = new Lease(signal, deps.state, deps.active);
  try {
    if (forceRefresh || deps.refresher.isDue(credential, executor)) {
      run.refreshed.add(credential.id);
      credential = await deps.refresher.refresh(credential, executor);
      run.used.push(credential);
    }
    run.tried.add(credential.id);
    deps.emit('onAttempt', info);
    await lease.hold(credential.id);
    const staleCooldown = run.staleCooldown === true;
    const native = executor.nativeDialect(run.input.dialect, credential, upstreamModel);
    const operation = run.input.operation ?? 'generate';
    const common = {
      requestId: run.requestId,
      credentialId: credential.id,
      provider: credential.provider,
      model: upstreamModel,
      attempts: run.attempt,
      warnings: [] as readonly string[],
    };
    /** The usage record of a request this attempt answered (a stream that failed later included). */
    const answered = (outcome: { error?: SwitchyardError; usage?: Usage; ttfbMs?: number }) =>
      deps.usage({
        input: run.input,
        requestId: run.requestId,
        started: run.started,
        modelRequested: run.requested,
        modelUsed: upstreamModel,
        credential,
        attempts: run.attempt,
        upstreamMs: run.upstreamMs,
        content: run.content,
        // The caller got the answer's 200, even when a stream failed after its first byte.
        status: 200,
        ...outcome,
      });
    if (operation === 'count_tokens' && native === 'openai-chat') {
      // Chat Completions has no token counter: answer with the documented local estimate.
      const result = localTokenCount(run.input.dialect, run.input.body, {
        ...common,
        warnings: ['count-tokens-estimated: the upstream cannot count tokens; this is a local estimate'],
      });
      lease.release();
      deps.emit('onResult', { ...info, ok: true, latencyMs: deps.now() - attemptStart });
      // Every finished request reports usage, this one too (no tokens: nothing was generated).
      answered({});
      return result;
    }
    if (operation === 'embed' && run.embedding) {
      // Embeddings: no stream, no body translation; the request was decoded once, up front.
      const limits = { firstByteMs: 0, idleMs: 0, totalMs: remaining, totalLimitMs: deps.timeouts.totalMs };
      if (limits.totalMs > 0) {
        lease.watchdog = startWatchdog(limits, (reason) => lease.controller.abort(reason), Date.now);
      }
      callStart = deps.now();
      let embedded: Awaited<ReturnType<typeof embedOnCredential>>;
      try {
        embedded = await embedOnCredential({
          executor,
          credential,
          native,
          request: run.embedding,
          model: upstreamModel,
          headers: passThroughHeaders(run.input.headers),
          signal: lease.controller.signal,
          requestId: run.requestId,
          common,
          onQuota: async (response) => {
            if (response.quota) await deps.cooldowns.quota(credential.id, response.quota);
          },
        });
      } catch (err) {
        throw lease.watchdog?.fired ?? err;
      }
      upstreamDone();
      lease.release();
      void deps.cooldowns.succeeded(credential.id, run.route.request.model, staleCooldown);
      deps.emit('onResult', { ...info, ok: true, latencyMs: deps.now() - attemptStart });
      answered({ usage: embedded.usage });
      return embedded.result;
    }
    // Follow-ups of answers given from another upstream name them by id: the memory knows them.
    const resolvers = run.input.dialect === 'openai-responses' ? await deps.memory.lookup(run.input.body) : undefined;
    const prepared = prepareBody(run, native, credential.provider, upstreamModel, deps.foreignThinking, resolvers);
    const remember =
      run.input.dialect === 'openai-responses' && native !== 'openai-responses'
        ? (answer: unknown) => rememberAnswer(deps.memory, conversation(run.input.body, resolvers), answer)
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
      firstByteMs: run.stream ? deps.timeouts.firstByteMs : 0,
      idleMs: run.stream ? deps.timeouts.idleMs : 0,
      totalMs: remaining,
      totalLimitMs: deps.timeouts.totalMs,
    };
    if (limits.firstByteMs > 0 || limits.totalMs > 0) {
      lease.watchdog = startWatchdog(limits, (reason) => lease.controller.abort(reason), Date.now);
    }
    const watchdog = lease.watchdog;
    let response: ExecutorResponse;
    callStart = deps.now();
    try {
      response = await executor.execute({
        credential,
        dialect: native,
        operation,
        model: upstreamModel,
        body: prepared.body,
        stream: run.stream,
        headers: passThroughHeaders(run.input.headers),
        signal: lease.controller.signal,
        requestId: run.requestId,
      });
    } catch (err) {
      throw watchdog?.fired ?? err;
    }
    if (response.quota) await deps.cooldowns.quota(credential.id, response.quota);
    // Gemini may have renamed the caller's tools to fit its rules, and a Responses caller's namespaced tools
    // were flattened for any other upstream: answers are mapped back to the names the caller declared.
    const toolNames =
      native !== run.input.dialect && (native === 'gemini' || run.input.dialect === 'openai-responses')
        ? requestToolNames(run.input.dialect, run.input.body)
        : undefined;
    const finish = (outcome: { error?: SwitchyardError; usage?: Usage; ttfbMs?: number }) => {
      upstreamDone();
      lease.release();
      const error = outcome.error;
      if (!error) void deps.cooldowns.succeeded(credential.id, run.route.request.model, staleCooldown);
      else streamFailed(deps, run, credential, error);
      deps.emit('onResult', {
        ...info,
        ok: !error,
        ...(error ? { error } : {}),
        latencyMs: deps.now() - attemptStart,
      });
      answered(outcome);
      if (run.stream) deps.settle(run);
    };
    if (run.stream) {
      return await streamResponse({
        response,
        from: native,
        to: run.input.dialect,
        includeUsage: includeUsage(run.input),
        toolNames,
        maxEventBytes: deps.maxEventBytes,
        watchdog,
        now: deps.now,
        started: run.started,
        common,
        finish,
        onTail: remember && ((bytes: Uint8Array) => remember(completedResponse(bytes))),
      });
    }
    let result: Awaited<ReturnType<typeof readResponse>>;
    try {
      result = await readResponse({
        response,
        from: native,
        to: run.input.dialect,
        operation,
        toolNames,
        common,
        now: deps.now,
        onRead: upstreamDone,
      });
    } catch (err) {
      throw watchdog?.fired ?? err;
    }
    const body = result.result.body;
    if (run.content && body instanceof Uint8Array) capture(run.content, body);
    finish({ usage: result.usage });
    remember?.(result.translated);
    return result.result;
  } catch (thrown) {
    upstreamDone();
    lease.release();
    if (lease.watchdog?.firedTotal) run.expired = true;
    const error = normalizeError(lease.reason(thrown), run);
    const result = run.expired ? {} : await recordFailure(deps, run, credential, executor, error);
    if (run.expired) run.decision = { retry: false, refresh: false, transient: false };
    deps.emit('onResult', { ...info, ok: false, error, latencyMs: deps.now() - attemptStart, ...result });
    throw error;
  }
}

/**
 * Applies the failure table to a failed attempt: a bug is logged once and ends the request; everything
 * else goes through the cooldown keeper, which decides retry, refresh and cooldown.
 */
async function recordFailure(
  deps: AttemptDeps,
  run: RunState,
  credential: Credential,
  executor: Executor,
  error: SwitchyardError,
): Promise<Pick<AttemptResult, 'cooldown'>> {
  run.lastError = error;
  if (error.kind !== 'aborted' && error.kind !== 'closed') {
    deps.lastError.set(credential.id, { kind: error.kind, at: deps.now() });
  }
  if (error.kind === 'internal') {
    // A bug (ours or a custom executor's): logged once with its cause; it cools nothing and is not retried.
    deps.logger.error(
      { requestId: run.requestId, credentialId: credential.id, cause: causeText(error.cause, secretsOf(run)) },
      'request failed in code, before reaching the upstream',
    );
  }
  const { decision, cooldown } = await deps.cooldowns.failed({
    credentialId: credential.id,
    model: run.route.request.model,
    error,
    canRefresh: !run.refreshed.has(credential.id) && deps.refresher.canRefresh(credential, executor),
    requestId: run.requestId,
  });
  run.decision = decision;
  if (decision.refresh) {
    run.refreshNext = credential;
    run.tried.delete(credential.id);
  }
  return cooldown ? { cooldown } : {};
}

/**
 * Any failure as a switchyard error: the caller's abort wins, switchyard errors stay as they are, and
 * anything else is a bug (`internal`), its message scrubbed of the request's secrets.
 */
export function normalizeError(err: unknown, run: RunState): SwitchyardError {
  if (run.input.signal?.aborted) {
    return SwitchyardError.is(err) && err.kind === 'aborted'
      ? err
      : new AbortedError('The request was aborted', { cause: run.input.signal.reason });
  }
  if (SwitchyardError.is(err)) return err;
  const internal = asInternal(err);
  return createError('internal', scrubSecrets(internal.message, secretsOf(run)), { status: 500, cause: err });
}

/** A stream that failed after its first byte: reported once, with its cause when it was a bug. */
function streamFailed(deps: AttemptDeps, run: RunState, credential: Credential, error: SwitchyardError): void {
  if (error.kind === 'aborted' || error.kind === 'closed') return;
  deps.lastError.set(credential.id, { kind: error.kind, at: deps.now() });
  const fields = { requestId: run.requestId, credentialId: credential.id, code: error.code };
  if (error.kind === 'internal') {
    deps.logger.error({ ...fields, cause: causeText(error.cause, secretsOf(run)) }, 'stream failed in code');
  } else {
    deps.logger.warn({ ...fields, error: scrubSecrets(error.message, secretsOf(run)) }, error.message);
  }
}

/** Keeps a Responses answer the gateway made up from another upstream's, for follow-ups that name it. */
function rememberAnswer(memory: ResponseMemory, history: Array<Record<string, unknown>>, answer: unknown): void {
  if (typeof answer !== 'object' || answer === null) return;
  const { id, output } = answer as { id?: unknown; output?: unknown };
  if (typeof id !== 'string' || !Array.isArray(output)) return;
  memory.remember(id, history, output as Array<Record<string, unknown>>);
}

/**
 * The whole conversation a Responses request stands for: the one its `previous_response_id` names, then
 * its own input with `item_reference` items replaced by what they name (kept as they are when unknown).
 */
function conversation(body: Record<string, unknown>, resolvers: Resolvers | undefined): Array<Record<string, unknown>> {
  const previous = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
  const earlier = (previous && resolvers?.resolveResponse(previous)) || [];
  const own = inputItems(body).map((item) => {
    if (item.type !== 'item_reference' || typeof item.id !== 'string') return item;
    const found = resolvers?.resolveItem(item.id);
    return typeof found === 'object' && found !== null ? (found as Record<string, unknown>) : item;
  });
  return [...(earlier as Array<Record<string, unknown>>), ...own];
}

/** The response object of the `response.completed` event in the closing bytes of a Responses stream. */
function completedResponse(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf('event: response.completed\n');
  if (at === -1) return undefined;
  const data = text.indexOf('data: ', at);
  if (data === -1) return undefined;
  const end = text.indexOf('\n', data);
  try {
    return (JSON.parse(text.slice(data + 6, end === -1 ? undefined : end)) as { response?: unknown }).response;
  } catch {
    return undefined;
  }
}

function includeUsage(input: ExecuteInput): boolean {
  if (input.dialect !== 'openai-chat') return true;
  const options = input.body.stream_options as { include_usage?: unknown } | undefined;
  return options?.include_usage === true;
}
