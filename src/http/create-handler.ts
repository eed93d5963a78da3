import { ConfigError, SwitchyardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { newRequestId } from '../core/request-id.js';
import type { Manager } from '../manager/manager.js';
import type { ExecuteInput } from '../manager/types.js';
import { exceededBudget } from '../observe/usage/spend.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { isRecord } from '../translate/json.js';
import { type AccessEntry, addUsage, observeStream } from './access-log.js';
import {
  applyPolicy,
  type Caller,
  ClientKeys,
  checkCaller,
  isLoopbackPeer,
  presentedKey,
  sha256,
} from './client-auth.js';
import type { ClientKeyStore } from './client-keys/types.js';
import { errorResponse, HttpError } from './error-response.js';
import { forwardedHeaders, responseHeaders } from './headers.js';
import {
  anthropicModel,
  anthropicModelList,
  geminiModel,
  geminiModelList,
  type ListedModel,
  openaiModel,
  openaiModelList,
} from './model-list.js';
import { admit, chargeUsage, estimateTokens } from './rate-limits.js';
import { readJsonBody } from './read-body.js';
import { validateBody } from './request-schemas.js';
import { guessDialect, isRoute, matchRoute, type Route } from './routes.js';
import type { CoreHandler, CoreRequest, CoreResponse, HandlerOptions, HandlerSettings } from './types.js';

/** Default {@link HandlerOptions.maxBodyBytes}: 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Default {@link HandlerOptions.maxJsonDepth}: 128 levels of objects and arrays. */
export const DEFAULT_MAX_JSON_DEPTH = 128;

const encoder = new TextEncoder();

type ExecuteRoute = Extract<Route, { type: 'execute' }>;
type ModelRoute = Extract<Route, { type: 'list-models' | 'get-model' }>;

/**
 * The HTTP surface of a {@link Manager} as one framework-free function: OpenAI (`/v1/chat/completions`,
 * `/v1/responses`, `/v1/models`), Anthropic (`/v1/messages`, `/v1/messages/count_tokens`), Gemini
 * (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`, `:countTokens`,
 * `/v1beta/models`) and `/healthz`. The route decides the caller's dialect, the model the credentials.
 *
 * It checks client keys (in constant time), per-key models and rate limits, body size and the minimal
 * shape of each body, and answers every failure in the caller's dialect with an `x-request-id` header.
 * It never rejects: an unexpected exception becomes a 500 without details (see `onError`).
 *
 * With no `apiKeys`/`keys` and no `authenticate`, say who may call it: `allowUnauthenticated: 'loopback'`
 * (local clients only) or `true` (anyone).
 *
 * @throws {ConfigError} when no client authentication is configured and `allowUnauthenticated` does not
 * say what to do, or a limit is not a positive number.
 * Mount it with an adapter: `switchyard/node`, `switchyard/fetch`, `switchyard/express`,
 * `switchyard/fastify` or `switchyard/hono`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { Manager, mockExecutor } from 'switchyard';
 * import { createHandler } from 'switchyard/http';
 * import { createNodeListener } from 'switchyard/node';
 *
 * const manager = new Manager({ executors: [mockExecutor()], credentials: [{ id: 'm1', provider: 'mock' }] });
 * const handler = createHandler(manager, { apiKeys: [process.env.GATEWAY_KEY!] });
 * createServer(createNodeListener(handler)).listen(8317);
 * ```
 */
export function createHandler(manager: Manager, options: HandlerOptions = {}): CoreHandler {
  const basePath = normalizeBasePath(options.basePath);
  // Access settings; `update()` swaps them as a whole so a request sees one consistent set.
  let current: HandlerOptions = { ...options };
  let access = accessFrom(current);
  const now = options.now ?? Date.now;
  const stored = followKeyStore(options.keyStore, options.logger);
  const created = Math.floor(Date.now() / 1000);

  const relative = (path: string): string | undefined => {
    let rel: string | undefined = path;
    if (basePath !== '') {
      if (path === basePath) rel = '/';
      else rel = path.startsWith(basePath) && path[basePath.length] === '/' ? path.slice(basePath.length) : undefined;
    }
    // `/v1/models/` and `/v1/models` are the same route.
    if (rel !== undefined && rel.length > 1 && rel.endsWith('/')) rel = rel.slice(0, -1);
    return rel;
  };

  const logger = options.logger;
  const report = (error: unknown, requestId: string, path: string) => {
    try {
      logger?.error({ requestId, path, error: describe(error) }, 'request failed unexpectedly');
      options.onError?.(error, { requestId, path });
    } catch {
      // A logging hook must not turn an answer into a crash.
    }
  };

  async function authorize(request: CoreRequest): Promise<Caller | undefined> {
    const { keys, authenticate } = access;
    const storeKeys = stored.loaded() ?? (await stored.keys());
    if (keys.size === 0 && storeKeys.size === 0 && !authenticate) {
      if (access.allowUnauthenticated === true || isLoopbackPeer(request)) return undefined;
      throw new HttpError(
        403,
        'forbidden',
        'This switchyard endpoint has no client API keys configured, so it only serves loopback clients ' +
          'that connect directly (no Forwarded, X-Forwarded-For or X-Real-IP header). ' +
          'Configure apiKeys (or an authenticate function), or set allowUnauthenticated: true.',
      );
    }
    const presented = presentedKey(request);
    if (presented !== undefined) {
      // Both lists are always searched, so the time taken does not tell which one holds the key.
      const digest = sha256(presented);
      const configured = keys.findDigest(digest);
      const caller = storeKeys.findDigest(digest) ?? configured;
      if (caller) {
        checkCaller(caller, request, now());
        return caller;
      }
    }
    if (authenticate) {
      const result = await authenticate(request);
      if (result) {
        const caller = applyPolicy({ principal: result.principal, limitKey: `principal:${result.principal}` }, result);
        checkCaller(caller, request, now());
        return caller;
      }
    }
    throw new HttpError(
      401,
      'unauthorized',
      presented === undefined
        ? 'Missing API key: send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key='
        : 'Invalid API key',
    );
  }

  async function listModels(
    route: ModelRoute,
    dialect: Dialect,
    caller: Caller | undefined,
    requestId: string,
  ): Promise<CoreResponse> {
    let models: ListedModel[] = await manager.listModels();
    const allows = caller?.allowsModel;
    if (allows) models = models.filter((m) => allows(m.id));
    if (route.type === 'list-models') {
      const body =
        route.format === 'gemini'
          ? geminiModelList(models)
          : dialect === 'anthropic-messages'
            ? anthropicModelList(models, created)
            : openaiModelList(models, created);
      return json(200, body, requestId);
    }
    const name = route.format === 'gemini' && route.model.startsWith('models/') ? route.model.slice(7) : route.model;
    const model = models.find((m) => m.id === name);
    if (!model) throw new HttpError(404, 'model_not_found', `The model '${name}' does not exist`, { param: 'model' });
    const body =
      route.format === 'gemini'
        ? geminiModel(model)
        : dialect === 'anthropic-messages'
          ? anthropicModel(model, created)
          : openaiModel(model, created);
    return json(200, body, requestId);
  }

  async function execute(
    route: ExecuteRoute,
    request: CoreRequest,
    caller: Caller | undefined,
    requestId: string,
    entry: Pending,
  ): Promise<CoreResponse> {
    const maxBodyBytes = access.maxBodyBytes;
    const declared = Number(request.headers['content-length']);
    if (declared > maxBodyBytes) {
      throw new HttpError(413, 'invalid_request', `The request body is larger than ${maxBodyBytes} bytes`);
    }
    const parsed = await readJsonBody(request.body, maxBodyBytes, access.maxJsonDepth);
    const body = validateBody(route.dialect, route.operation, unwrapCountTokens(route, parsed.value));
    const model = route.model ?? (body.model as string);
    entry.model = model;
    if (caller?.allowsModel && !caller.allowsModel(model)) {
      throw new HttpError(403, 'forbidden', `This API key may not use the model '${model}'`, { param: 'model' });
    }
    if (route.stream && queryValue(request, 'alt') !== 'sse') {
      throw new HttpError(400, 'invalid_request', 'streamGenerateContent is served as SSE only: add ?alt=sse', {
        param: 'alt',
      });
    }
    if (caller && (caller.rpm !== undefined || caller.tpm !== undefined || caller.budget !== undefined)) {
      const size = parsed.size ?? (caller.tpm !== undefined ? JSON.stringify(body).length : 0);
      await admit(manager, caller, estimateTokens(size), now());
    }
    if (caller?.costBudgets) checkSpend(caller);
    const input: ExecuteInput = {
      dialect: route.dialect,
      body,
      operation: route.operation,
      headers: forwardedHeaders(request.headers),
      signal: request.signal,
      requestId,
    };
    if (route.model !== undefined) input.model = route.model;
    if (route.stream !== undefined) input.stream = route.stream;
    if (caller) input.principal = caller.principal;
    if (caller?.groups) input.groups = caller.groups;
    const release = caller?.maxConcurrent !== undefined ? await enterSlot(caller) : undefined;
    let result: Awaited<ReturnType<Manager['execute']>>;
    try {
      result = await manager.execute(input);
    } catch (err) {
      release?.();
      throw err;
    }
    if (release) {
      if (result.stream) void result.usage.finally(release);
      else release();
    }
    entry.credentialId = result.credentialId;
    entry.attempts = result.attempts;
    entry.usage = result.usage;
    const headers = responseHeaders(result.headers);
    headers['x-request-id'] = requestId;
    if (result.body instanceof Uint8Array) headers['content-length'] = String(result.body.byteLength);
    if (caller && (caller.tpm !== undefined || caller.budget !== undefined) && route.operation === 'generate') {
      // Streams included: the usage is known when the answer ends.
      void result.usage
        .then((usage) => (usage ? chargeUsage(manager, caller, usage, now()) : undefined))
        .catch((err) => report(err, requestId, request.path));
    }
    return { status: result.status, headers, body: result.body };
  }

  /** Refuses a caller that used up a cost budget (429 until the period ends). */
  function checkSpend(caller: Caller): void {
    const spend = options.spend;
    if (!spend) {
      // A key with cost budgets on a handler that cannot see spend: refused, never unlimited.
      throw new HttpError(503, 'config', 'This API key has cost budgets but the gateway keeps no spend to check them');
    }
    const over = exceededBudget(spend, caller.principal, caller.costBudgets!, now());
    if (over) {
      const { amount, currency = 'USD', period } = over.budget;
      throw new HttpError(429, 'quota_exhausted', `Cost budget used up: ${amount} ${currency} per ${period}`, {
        retryAfterMs: over.retryAfterMs,
      });
    }
  }

  /** Takes one of the caller's `maxConcurrent` slots, or refuses with 429; returns its release. */
  async function enterSlot(caller: Caller): Promise<() => void> {
    const limit = caller.maxConcurrent!;
    const count = await manager.acquireSlot(caller.limitKey);
    if (count > limit) {
      manager.releaseSlot(caller.limitKey);
      throw new HttpError(
        429,
        'rate_limited',
        `Concurrency limit reached: ${limit} request${limit === 1 ? '' : 's'} in flight for this API key`,
      );
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      manager.releaseSlot(caller.limitKey);
    };
  }

  /** The answer, with the access entry filled as far as the request got. */
  async function answer(request: CoreRequest, requestId: string, entry: Pending): Promise<CoreResponse> {
    const path = relative(request.path);
    let dialect = guessDialect(path ?? request.path, request.headers);
    try {
      const lookup = path === undefined ? undefined : matchRoute(request.method, path);
      if (!lookup) throw new HttpError(404, 'not_found', `No route for ${request.method} ${request.path}`);
      if ('allow' in lookup) {
        throw new HttpError(405, 'invalid_request', `Method ${request.method} is not allowed on ${request.path}`, {
          headers: { allow: lookup.allow },
        });
      }
      entry.route = lookup.template;
      const route = lookup.route;
      if (route.type === 'health') return headOnly(request, json(200, { status: 'ok' }, requestId));
      if (route.type === 'execute') dialect = route.dialect;
      else if (route.format === 'gemini') dialect = 'gemini';
      else dialect = request.headers['anthropic-version'] !== undefined ? 'anthropic-messages' : 'openai-chat';
      const caller = await authorize(request);
      if (route.type !== 'execute') return headOnly(request, await listModels(route, dialect, caller, requestId));
      return await execute(route, request, caller, requestId, entry);
    } catch (err) {
      if (SwitchyardError.is(err) && err.credentialId !== undefined) entry.credentialId = err.credentialId;
      if (err instanceof HttpError || (SwitchyardError.is(err) && err.kind !== 'aborted')) {
        // Reported by whoever raised it: the caller's mistake, or the Manager's own log.
      } else if (request.signal.aborted || (SwitchyardError.is(err) && err.kind === 'aborted')) {
        // The client went away (mid-upload, say): routine, and a flood of them must not flood the error log.
        logger?.debug({ requestId, route: entry.route, error: describe(err) }, 'the client went away');
      } else {
        report(err, requestId, request.path);
      }
      try {
        return errorResponse(dialect, err, requestId);
      } catch (renderErr) {
        report(renderErr, requestId, request.path);
        return json(500, { error: { message: 'Internal error' } }, requestId);
      }
    }
  }

  /** Logs the access line when the answer is complete: now, or for a stream when it ends. */
  function logWhenDone(response: CoreResponse, entry: Pending, started: number): CoreResponse {
    const body = response.body;
    const log = logger;
    if (body === null || body instanceof Uint8Array) {
      if (log) {
        const at = performance.now() - started;
        entry.ttfbMs = entry.latencyMs = round(at);
        if (entry.usage) void entry.usage.then((usage) => writeAccess(log, entry, usage));
        else writeAccess(log, entry, undefined);
      }
      return response;
    }
    if (!log && !options.onError) return response;
    const observed = observeStream(body, {
      first: () => {
        entry.ttfbMs = round(performance.now() - started);
      },
      end: (outcome, error) => {
        entry.latencyMs = round(performance.now() - started);
        entry.outcome = outcome;
        if (outcome === 'failed') streamFailed(error, entry);
        if (!log) return;
        // The usage of an abandoned stream is not awaited: what was counted went with the Manager's record.
        if (outcome === 'client_gone' || !entry.usage) writeAccess(log, entry, undefined);
        else void entry.usage.then((usage) => writeAccess(log, entry, usage));
      },
    });
    return { ...response, body: observed };
  }

  /** A body that failed while being relayed to the client: the Manager did not see it, so it is logged here, once. */
  function streamFailed(error: unknown, entry: Pending): void {
    if (SwitchyardError.is(error) && error.kind === 'aborted') {
      logger?.debug({ requestId: entry.requestId, route: entry.route, error: describe(error) }, 'the client went away');
      return;
    }
    try {
      logger?.error(
        {
          requestId: entry.requestId,
          route: entry.route,
          error: describe(error),
          ...(error instanceof Error && error.cause !== undefined ? { cause: describe(error.cause) } : {}),
        },
        'the answer stream failed while being sent to the client',
      );
      options.onError?.(error, { requestId: entry.requestId, path: entry.route });
    } catch {
      // A logging hook must not turn an answer into a crash.
    }
  }

  const handler = async (request: CoreRequest): Promise<CoreResponse> => {
    const started = performance.now();
    const requestId = newRequestId();
    const entry: Pending = { requestId, method: request.method, route: 'unmatched', status: 0 };
    const response = await answer(request, requestId, entry);
    entry.status = response.status;
    return logWhenDone(response, entry, started);
  };
  return Object.assign(handler, {
    handles: (path: string) => {
      const rel = relative(path);
      return rel !== undefined && isRoute(rel);
    },
    update: (settings: HandlerSettings) => {
      const merged: HandlerOptions = { ...current };
      for (const name of UPDATABLE) {
        if (Object.hasOwn(settings, name)) Object.assign(merged, { [name]: settings[name] });
      }
      const next = accessFrom(merged);
      if (authenticates(access) && !authenticates(next)) {
        throw new ConfigError(
          'Refused: this update would remove every client API key (and authenticate) while they are in force, ' +
            'which would open the endpoint. The previous settings stay in force. Keep at least one key, or ' +
            'create a new handler with allowUnauthenticated to serve without keys.',
        );
      }
      access = next;
      current = merged;
    },
  });
}

/** The keys of a {@link ClientKeyStore}, loaded on first use and reloaded when the store reports a change. */
function followKeyStore(
  store: ClientKeyStore | undefined,
  logger: Logger | undefined,
): { loaded(): ClientKeys | undefined; keys(): Promise<ClientKeys> } {
  const none = new ClientKeys();
  if (!store) return { loaded: () => none, keys: async () => none };
  let current = none;
  let loading: Promise<ClientKeys> | undefined;
  let settled = false;
  const load = () => {
    settled = false;
    const attempt = Promise.resolve(store.list()).then(
      (records) => {
        current = new ClientKeys([], [], records);
        if (loading === attempt) settled = true;
        return current;
      },
      (err: unknown) => {
        // The keys loaded before stay in force; keys added since are not accepted until a load succeeds.
        logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'client key store failed to load');
        if (loading === attempt) loading = undefined;
        return current;
      },
    );
    loading = attempt;
    return attempt;
  };
  store.watch?.(() => void load());
  return {
    // Without a load in flight the keys are at hand: no await on the request path.
    loaded: () => (settled ? current : undefined),
    keys: () => loading ?? load(),
  };
}

const UPDATABLE = ['apiKeys', 'keys', 'authenticate', 'allowUnauthenticated', 'maxBodyBytes', 'maxJsonDepth'] as const;

interface Access {
  keys: ClientKeys;
  /** A key store may hold keys: the handler is keyed even while it holds none. */
  hasStore: boolean;
  authenticate: HandlerOptions['authenticate'];
  allowUnauthenticated: true | 'loopback' | undefined;
  maxBodyBytes: number;
  maxJsonDepth: number;
}

/** The access settings, checked: every mistake here would fail open or fail every request. */
function accessFrom(options: HandlerOptions): Access {
  const hasStore = options.keyStore !== undefined;
  const keys = new ClientKeys(options.apiKeys, options.keys);
  const allow = options.allowUnauthenticated;
  if (allow !== undefined && allow !== true && allow !== false && allow !== 'loopback') {
    throw new ConfigError(`allowUnauthenticated must be true or 'loopback', not ${JSON.stringify(allow)}`);
  }
  const access: Access = {
    keys,
    hasStore,
    authenticate: options.authenticate,
    allowUnauthenticated: allow === true || allow === 'loopback' ? allow : undefined,
    maxBodyBytes: positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes'),
    maxJsonDepth: positive(options.maxJsonDepth, DEFAULT_MAX_JSON_DEPTH, 'maxJsonDepth'),
  };
  const budgeted = options.keys?.find((k) => k.costBudgets && k.costBudgets.length > 0);
  if (budgeted && !options.spend) {
    throw new ConfigError(
      `The client key '${budgeted.principal ?? 'with costBudgets'}' has cost budgets but the handler has no spend to check them: pass spend (a SpendCounter fed by the Manager's usage records)`,
    );
  }
  if (!authenticates(access) && access.allowUnauthenticated === undefined) {
    throw new ConfigError(
      'createHandler has no client API keys and no authenticate function, so anyone who reaches it could use ' +
        "your provider credentials. Pass apiKeys (or keys, or authenticate), or say explicitly who may call it: allowUnauthenticated: 'loopback' " +
        '(only clients on this host that connect directly) or allowUnauthenticated: true (anyone).',
    );
  }
  return access;
}

function authenticates(access: Access): boolean {
  return access.keys.size > 0 || access.hasStore || access.authenticate !== undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0))
    throw new ConfigError(`${name} must be a positive number, not ${value}`);
  return value;
}

/** An access entry while the request runs: the usage arrives with the answer. */
interface Pending extends AccessEntry {
  usage?: Promise<Usage | undefined>;
}

function writeAccess(logger: Logger, pending: Pending, usage: Usage | undefined): void {
  const { usage: _promise, ...entry } = pending;
  addUsage(entry, usage);
  try {
    logger.info(entry, 'request');
  } catch {
    // A logger must not turn an answer into a crash.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function json(status: number, value: unknown, requestId: string): CoreResponse {
  const bytes = encoder.encode(JSON.stringify(value));
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'content-length': String(bytes.byteLength),
      'x-request-id': requestId,
    },
    body: bytes,
  };
}

function headOnly(request: CoreRequest, response: CoreResponse): CoreResponse {
  return request.method === 'HEAD' ? { ...response, body: null } : response;
}

function queryValue(request: CoreRequest, name: string): string | undefined {
  const query = request.query;
  return (query instanceof URLSearchParams ? query.get(name) : query[name]) ?? undefined;
}

/** Gemini's countTokens also takes `{ generateContentRequest: {...} }`; the Manager wants the inner request. */
function unwrapCountTokens(route: ExecuteRoute, body: unknown): unknown {
  if (route.dialect !== 'gemini' || route.operation !== 'count_tokens') return body;
  if (!isRecord(body)) return body;
  const inner = body.generateContentRequest;
  return isRecord(inner) ? inner : body;
}

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return '';
  const withSlash = basePath.startsWith('/') ? basePath : `/${basePath}`;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
