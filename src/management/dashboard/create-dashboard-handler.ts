import { HttpError } from '../../http/error-response.js';
import { readJsonBody } from '../../http/read-body.js';
import type { CoreRequest, CoreResponse } from '../../http/types.js';
import type { Manager } from '../../manager/manager.js';
import { ManagementAuth } from '../auth.js';
import { buildManagementHandler, type ManagementHandler } from '../create-management-handler.js';
import { failure, failureFromError, json } from '../respond.js';
import type { ManagementOptions } from '../types.js';
import type { DashboardBundle } from './bundle-types.js';
import { type LoadedFile, loadFile, SECURITY_HEADERS, serveFile } from './serve-asset.js';
import { DashboardSessions, hasCsrfToken, SESSION_COOKIE, sameOrigin } from './sessions.js';

const DEFAULT_PATH = '/manage';
const DEFAULT_API_PATH = '/v0/management';
const DEFAULT_SESSION_TTL_MS = 8 * 3_600_000;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Options of {@link createDashboardHandler}: the management API's, and the dashboard's own. */
export interface DashboardOptions extends ManagementOptions {
  /** Where the dashboard is mounted. Default `/manage` (the page is at `/manage/`). */
  dashboardPath?: string;
  /**
   * Mark the session cookie `Secure` (the page is served over TLS). `switchyard serve` sets it when
   * `tls.enable` is on. Default false.
   */
  secureCookie?: boolean;
  /** How long a login lasts, ms. Default 8 hours. */
  sessionTtlMs?: number;
  /** The built page (tests, or a host with its own build). Default: the bundle built with the package. */
  bundle?: DashboardBundle;
}

/**
 * The web dashboard and the management API as one core handler, so every adapter mounts it: the page
 * (built with the package, served from memory, precompressed, under a strict Content-Security-Policy)
 * at `dashboardPath`, its login (the management secret exchanged for an HttpOnly, SameSite=Strict session
 * cookie with a CSRF token for writes) and logout, and the management API at `basePath`, which takes the
 * session cookie as well as the secret. Off (every route 404) without a `secret`.
 *
 * @example
 * ```ts
 * import { createDashboardHandler } from 'switchyard/management';
 * import { createNodeListener } from 'switchyard/node';
 * const management = createDashboardHandler(manager, { secret: process.env.SWITCHYARD_MANAGEMENT_KEY });
 * http.createServer(createNodeListener(combineHandlers(handler, management))).listen(8317);
 * // the page: http://127.0.0.1:8317/manage/
 * ```
 */
export function createDashboardHandler(manager: Manager, options: DashboardOptions = {}): ManagementHandler {
  const now = options.now ?? Date.now;
  const dashboardPath = trimSlash(options.dashboardPath ?? DEFAULT_PATH);
  const apiPath = trimSlash(options.basePath ?? DEFAULT_API_PATH);
  const ttlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const sessions = new DashboardSessions(ttlMs, now);
  const auth = options.secret
    ? new ManagementAuth(options.secret, options.allowRemote ?? false, now, sessions)
    : undefined;
  const api = buildManagementHandler(manager, options, auth);
  const cookiePath = commonPath(dashboardPath, apiPath);
  let files: Promise<PageFiles | undefined> | undefined;
  // Loaded on the first page request: the generated module exists only once the package is built.
  const pageFiles = () =>
    (files ??= (
      options.bundle ? Promise.resolve(options.bundle) : import('./bundle.generated.js').then((m) => m.BUNDLE)
    )
      .then(prepare)
      .catch((err: unknown) => {
        options.logger?.error({ err }, 'the dashboard bundle is missing: run npm run build:dashboard');
        return undefined;
      }));

  const cookie = (value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=${cookiePath}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict` +
    (options.secureCookie ? '; Secure' : '');

  const mine = (path: string) => path === dashboardPath || path.startsWith(`${dashboardPath}/`);

  const page = async (request: CoreRequest): Promise<CoreResponse> => {
    const sub = request.path.slice(dashboardPath.length);
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (sub === '' && read) {
      return { status: 308, headers: { ...SECURITY_HEADERS, location: `${dashboardPath}/` }, body: null };
    }
    if ((sub === '/' || sub === '/index.html' || sub.startsWith('/assets/')) && read) {
      const loaded = await pageFiles();
      if (!loaded)
        return failure(503, 'internal', 'The dashboard was not built with this package (npm run build:dashboard)');
      if (!sub.startsWith('/assets/')) return serveFile(request, loaded.index, 'no-cache');
      const file = loaded.assets.get(sub.slice('/assets/'.length));
      if (file) return serveFile(request, file, IMMUTABLE);
      return failure(404, 'not_found', 'No such dashboard file');
    }
    if (sub === '/session' && request.method === 'GET') return sessionInfo(request);
    if (sub === '/login' && request.method === 'POST') return login(request);
    if (sub === '/logout' && request.method === 'POST') return logout(request);
    return failure(404, 'not_found', `No dashboard route ${request.method} ${request.path}`);
  };

  const sessionBody = (csrf: string, expiresAt: number) => ({ csrf, expiresAt, api: apiPath });

  const sessionInfo = (request: CoreRequest): CoreResponse => {
    const refused = api.authorize(request);
    const session = sessions.find(request);
    if (refused || !session) {
      return refused ?? failure(401, 'unauthorized', 'Not logged in');
    }
    return json(200, sessionBody(session.csrf, session.expiresAt), SECURITY_HEADERS);
  };

  const login = async (request: CoreRequest): Promise<CoreResponse> => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    // JSON only: a cross-site form cannot send it without a CORS preflight, which nothing here answers.
    if (type !== 'application/json')
      return failure(415, 'invalid_request', 'Log in with a JSON body {"secret": "..."}');
    if (!sameOrigin(request)) return failure(403, 'forbidden', 'A login from another origin is refused');
    let secret: unknown;
    try {
      secret = ((await readJsonBody(request.body, 4096, 4)).value as { secret?: unknown } | null)?.secret;
    } catch (err) {
      return failureFromError(err instanceof HttpError ? err : new HttpError(400, 'invalid_request', 'Bad JSON'));
    }
    const refusal = auth!.verify(request, typeof secret === 'string' && secret !== '' ? secret : undefined);
    if (refusal) {
      const headers: Record<string, string> =
        refusal.status === 429 ? { 'retry-after': String(refusal.retryAfterS) } : {};
      const message = refusal.status === 401 ? 'The management secret is wrong' : refusal.message;
      const kind = refusal.status === 401 ? 'unauthorized' : refusal.status === 403 ? 'forbidden' : 'rate_limited';
      return failure(refusal.status, kind, message, { headers });
    }
    const { token, session } = sessions.create();
    options.logger?.info({ audit: true, route: 'dashboard login', peer: request.remoteAddress }, 'management write');
    return json(200, sessionBody(session.csrf, session.expiresAt), {
      ...SECURITY_HEADERS,
      'set-cookie': cookie(token, Math.floor(ttlMs / 1000)),
    });
  };

  const logout = (request: CoreRequest): CoreResponse => {
    const session = sessions.find(request);
    if (session && (!sameOrigin(request) || !hasCsrfToken(request, session))) {
      return failure(403, 'forbidden', 'Logging out needs the session CSRF token (x-csrf-token)');
    }
    sessions.delete(request);
    return { status: 204, headers: { ...SECURITY_HEADERS, 'set-cookie': cookie('', 0) }, body: null };
  };

  const handler = async (request: CoreRequest): Promise<CoreResponse> => {
    if (!auth) return failure(404, 'not_found', 'Not found');
    if (mine(request.path)) return page(request);
    return api(request);
  };
  return Object.assign(handler, {
    handles: (path: string) => auth !== undefined && (mine(path) || api.handles(path)),
    authorize: api.authorize,
  });
}

interface PageFiles {
  index: LoadedFile;
  assets: Map<string, LoadedFile>;
}

function prepare(bundle: DashboardBundle): PageFiles {
  return {
    index: loadFile(bundle.index),
    assets: new Map(Object.entries(bundle.assets).map(([name, file]) => [name, loadFile(file)])),
  };
}

/** The longest path both sit under, so the session cookie reaches the page and the API. */
function commonPath(a: string, b: string): string {
  const x = a.split('/');
  const y = b.split('/');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('/') || '/';
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
