import { ConfigError, SwitchyardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { newRequestId } from '../core/request-id.js';
import type { Manager } from '../manager/manager.js';
import type { ExecuteInput } from '../manager/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { isRecord } from '../translate/json.js';
import { accessFrom, authenticates, authorize, UPDATABLE } from './access.js';
import { type AccessEntry, addUsage, observeStream } from './access-log.js';
import { checkSpend, enterSlot } from './caller-limits.js';
import type { Caller } from './client-auth.js';
import { followKeyStore } from './client-keys/follow-key-store.js';
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

export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_JSON_DEPTH } from './access.js';

const encoder = new TextEncoder();

type ExecuteRoute = Extract<Route, { type: 'execute' }>;
type ModelRoute = Extract<Route, { type: 'list-models' | 'get-model' }>;

/**
 * The HTTP surface of a {@link Manager} as one framework-free function: OpenAI (`/v1/chat/completions`,
 * `/v1/responses`, `/v1/embeddings`, `/v1/models`), Anthropic (`/v1/messages`, `/v1/messages/count_tokens`),
 * Gemini (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`, `:countTokens`,
 * `:embedContent`, `:batchEmbedContents`, `/v1beta/models`) and `/healthz`. The route decides the caller's dialect, the model the credentials.
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
    const body = validateBody(route.dialect, route.operation, unwrapCountTokens(route, parsed.value), route.embed);
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
    if (caller?.costBudgets) checkSpend(caller, options.spend, now());
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
    const release = caller?.maxConcurrent !== undefined ? await enterSlot(manager, caller) : undefined;
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
    if (caller && (caller.tpm !== undefined || caller.budget !== undefined) && route.operation !== 'count_tokens') {
      // Streams included: the usage is known when the answer ends.
      void result.usage
        .then((usage) => (usage ? chargeUsage(manager, caller, usage, now()) : undefined))
        .catch((err) => report(err, requestId, request.path));
    }
    return { status: result.status, headers, body: result.body };
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
      const caller = await authorize(access, stored, request, now());
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
