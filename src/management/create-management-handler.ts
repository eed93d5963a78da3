import { silentLogger } from '../core/logger.js';
import { VERSION } from '../core/version.js';
import { HttpError } from '../http/error-response.js';
import { readJsonBody, readTextBody } from '../http/read-body.js';
import type { CoreRequest, CoreResponse, MountableHandler } from '../http/types.js';
import type { Manager } from '../manager/manager.js';
import { saveLoginToManager } from '../oauth/credential-from-tokens.js';
import { OAuthFlows } from '../oauth/oauth-flows.js';
import { ManagementAuth } from './auth.js';
import { openApiDocument } from './openapi.js';
import { failure, failureFromError } from './respond.js';
import { ROUTES, type Route } from './routes/index.js';
import type { ManagementOptions } from './types.js';

const DEFAULT_BASE_PATH = '/v0/management';
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Management bodies are small records; deeper JSON is refused. */
const MAX_JSON_DEPTH = 32;

/** The management API as a core handler: what the adapters mount and `handles()` lets fall through. */
export interface ManagementHandler extends MountableHandler {
  /** True for paths under the base path while management is on (a secret is set). */
  handles(path: string): boolean;
  /**
   * Checks a request against the management auth (secret, loopback rule, back-off) for a route the
   * host serves itself, such as `GET /metrics` for remote scrapers: undefined when it may go on, else
   * the refusal to send (403 when management is off).
   */
  authorize(request: CoreRequest): CoreResponse | undefined;
}

/**
 * The management API on the core request shape, so every adapter mounts it: the Manager's state
 * (`status`), credentials (list, get, add, update, delete, enable, disable, clear cooldowns; secrets
 * masked, writes through the token store), models, the running config (when `config` is given) and the
 * OpenAPI 3.1 document of all of them at `openapi.json`. Off (every route 404) without a `secret`.
 *
 * @example
 * ```ts
 * import { createManagementHandler } from 'switchyard/management';
 * const management = createManagementHandler(manager, { secret: process.env.SWITCHYARD_MANAGEMENT_KEY });
 * ```
 */
export function createManagementHandler(manager: Manager, options: ManagementOptions = {}): ManagementHandler {
  const auth = options.secret
    ? new ManagementAuth(options.secret, options.allowRemote ?? false, options.now ?? Date.now)
    : undefined;
  return buildManagementHandler(manager, options, auth);
}

/** {@link createManagementHandler} with the given auth (the dashboard's also takes its session cookie); none: off. */
export function buildManagementHandler(
  manager: Manager,
  options: ManagementOptions,
  auth: ManagementAuth | undefined,
): ManagementHandler {
  const basePath = trimSlash(options.basePath ?? DEFAULT_BASE_PATH);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const version = options.version ?? VERSION;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const startedAt = now();
  let openApi: Uint8Array | undefined;
  const oauth = oauthFlows(manager, options);

  const under = (path: string) => path === basePath || path.startsWith(`${basePath}/`);

  const authorize = (request: CoreRequest): CoreResponse | undefined => {
    if (!auth) {
      return failure(403, 'forbidden', 'Set the management secret (remote-management.secret-key) to allow this');
    }
    const refusal = auth.check(request);
    if (!refusal) return undefined;
    const headers: Record<string, string> = refusal.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
    if (refusal.status === 429) headers['retry-after'] = String(refusal.retryAfterS);
    const type = refusal.status === 401 ? 'unauthorized' : refusal.status === 403 ? 'forbidden' : 'rate_limited';
    return failure(refusal.status, type, refusal.message, { headers });
  };

  const handler = async (request: CoreRequest): Promise<CoreResponse> => {
    if (!auth || !under(request.path)) return failure(404, 'not_found', 'Not found');
    const path = request.path.slice(basePath.length) || '/';
    const publicRoute = ROUTES.find((r) => r.public && r.method === request.method && matchPath(r.path, path));
    const refused = publicRoute ? peerRefusal(auth, request) : authorize(request);
    if (refused) return refused;
    if (path === '/openapi.json' && request.method === 'GET') {
      openApi ??= new TextEncoder().encode(JSON.stringify(openApiDocument(ROUTES, basePath, version)));
      return { status: 200, headers: { 'content-type': 'application/json' }, body: openApi };
    }
    const match = matchRoute(request.method, path);
    if (match === 'bad-path') return failure(400, 'invalid_request', 'The path is not valid percent-encoding');
    if (!match) {
      const allowed = ROUTES.filter((r) => matchPath(r.path, path)).map((r) => r.method);
      if (allowed.length > 0) {
        return failure(405, 'method_not_allowed', `${request.method} is not allowed here`, {
          headers: { allow: allowed.join(', ') },
        });
      }
      return failure(404, 'not_found', `No management route ${request.method} ${request.path}`);
    }
    const { route, params } = match;
    const detail: Record<string, unknown> = {};
    try {
      const { body, text } = await readInput(route, request, maxBodyBytes);
      await manager.start();
      const response = await route.handle({
        manager,
        request,
        params,
        body,
        text,
        config: options.config,
        clientKeys: options.clientKeys,
        usage: options.usage,
        oauth,
        basePath,
        oauthCallbackBase: options.oauthCallbackBase,
        query: readQuery(route, request),
        version,
        startedAt,
        now,
        audit: (d) => Object.assign(detail, d),
      });
      if (route.write) audit(logger, request, route, 'ok', detail);
      return response;
    } catch (err) {
      const response = failureFromError(err);
      if (response.status >= 500) logger.error({ route: route.path, err }, 'management route failed');
      if (route.write) audit(logger, request, route, `refused ${response.status}`, detail);
      return response;
    }
  };
  return Object.assign(handler, { handles: (path: string) => auth !== undefined && under(path), authorize });
}

function peerRefusal(auth: ManagementAuth, request: CoreRequest): CoreResponse | undefined {
  const refusal = auth.checkPeer(request);
  return refusal ? failure(refusal.status, 'forbidden', refusal.message) : undefined;
}

/** The OAuth logins the options ask for; profiles given as data save through the Manager. */
function oauthFlows(manager: Manager, options: ManagementOptions): OAuthFlows | undefined {
  const given = options.oauth;
  if (given === undefined) return undefined;
  if (given instanceof OAuthFlows) return given;
  if (given.length === 0) return undefined;
  return new OAuthFlows({
    profiles: given,
    ...(options.logger ? { logger: options.logger } : {}),
    save: (credential) => saveLoginToManager(manager, credential),
  });
}

async function readInput(
  route: Route,
  request: CoreRequest,
  maxBodyBytes: number,
): Promise<{ body: unknown; text: string | undefined }> {
  if (!route.body) return { body: undefined, text: undefined };
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (route.text && type !== '' && type !== 'application/json') {
    return { body: undefined, text: await readTextBody(request.body, maxBodyBytes) };
  }
  const { value } = await readJsonBody(request.body, maxBodyBytes, MAX_JSON_DEPTH);
  const parsed = route.body.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${where ? ` in '${where}'` : ''}`
        : `'${where || '(body)'}': ${issue.message}`;
    throw new HttpError(400, 'invalid_request', message, { param: where || undefined });
  }
  return { body: parsed.data, text: undefined };
}

/** The query string as the route's schema takes it, or a 400 naming the parameter. */
function readQuery(route: Route, request: CoreRequest): Record<string, unknown> {
  if (!route.query) return {};
  const raw: Record<string, string> = {};
  const query = request.query;
  if (query instanceof URLSearchParams) for (const [k, v] of query) raw[k] = v;
  else for (const [k, v] of Object.entries(query)) if (v !== undefined) raw[k] = v;
  const parsed = route.query.safeParse(raw);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  const name = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? `Unknown query parameter '${name}'`
      : `Query parameter '${name}': ${issue.message}`;
  throw new HttpError(400, 'invalid_request', message, { param: name });
}

function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | 'bad-path' | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (params === 'bad-path') return params;
    if (params) return { route, params };
  }
  return undefined;
}

/** The decoded `{name}` parameters when `path` fits `template`. */
function matchPath(template: string, path: string): Record<string, string> | 'bad-path' | undefined {
  const want = template.split('/');
  const got = trimSlash(path).split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith('{')) {
      if (got[i] === '') return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(got[i]!);
      } catch {
        return 'bad-path';
      }
    } else if (part !== got[i]) return undefined;
  }
  return params;
}

function audit(
  logger: NonNullable<ManagementOptions['logger']>,
  request: CoreRequest,
  route: Route,
  outcome: string,
  detail: Record<string, unknown>,
): void {
  logger.info(
    { audit: true, method: route.method, route: route.path, peer: request.remoteAddress, outcome, ...detail },
    'management write',
  );
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
