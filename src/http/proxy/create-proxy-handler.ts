import { type Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ConfigError, createError, type ErrorKind, SwitchyardError } from '../../core/errors.js';
import { quotaExhaustedUntil } from '../../core/quota.js';
import { newRequestId } from '../../core/request-id.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import { secretVariants } from '../../core/scrub-secrets.js';
import { createTransport, type Transport } from '../../executors/base/transport.js';
import type { CooldownPolicy } from '../../manager/failure-policy.js';
import { KeyPool, type PoolKey, type PoolKeyInput } from '../../manager/key-pool.js';
import type { Manager } from '../../manager/manager.js';
import type { Selector } from '../../manager/selectors/types.js';
import type { UsageRecord } from '../../manager/types.js';
import { type Access, accessFrom, authenticates, authorize, UPDATABLE } from '../access.js';
import { type Caller, ClientKeys, presentedKey, sha256 } from '../client-auth.js';
import { followKeyStore } from '../client-keys/follow-key-store.js';
import { HttpError } from '../error-response.js';
import type { CoreRequest, CoreResponse, HandlerOptions, HandlerSettings, MountableHandler } from '../types.js';
import { type OutgoingBody, prepareBody, secretMasker, toReadable } from './proxy-bodies.js';
import { callerResponseHeaders, upstreamRequestHeaders } from './proxy-headers.js';
import { joinProxyPath } from './proxy-path.js';
import { type ProxyCall, proxyUsageRecord } from './proxy-usage.js';
import { readRateLimits } from './read-rate-limits.js';

/** Where the key goes: a header (with an optional prefix such as `Bearer `) or a query parameter. */
export type KeyPlacement = { header: string; prefix?: string } | { query: string };

/** How a service is reached, whatever holds its keys. */
export interface ProxyServiceSettings {
  /** Where requests go, e.g. `https://api.example.com/v1`; the caller's path is joined under its path. */
  baseUrl: string;
  placement: KeyPlacement;
  /**
   * Client keys that may use the service: key values, or principals (`name` of a client key, or what
   * `authenticate` returns). Absent: every caller the handler accepts.
   */
  clientKeys?: readonly string[];
  /** Request bodies up to this many bytes are kept so a 429 / 5xx can be retried on another key. Default 1 MiB. */
  maxReplayBytes?: number;
}

/** One service of {@link createProxyHandler} when it is given a Manager. */
export interface ProxyServiceOptions extends ProxyServiceSettings {
  /** The service's name: requests to `/proxy/{name}/...` go to it. */
  name: string;
  keys: readonly PoolKeyInput[];
  /** How a key is chosen. Default: the Manager's selector. */
  selector?: Selector;
}

/** Options of {@link createProxyHandler}. */
export interface ProxyHandlerOptions
  extends Pick<
    HandlerOptions,
    'apiKeys' | 'keys' | 'keyStore' | 'authenticate' | 'allowUnauthenticated' | 'logger' | 'onError' | 'now'
  > {
  /** The services, when the handler is given a Manager. */
  services?: readonly ProxyServiceOptions[];
  /** The service, when the handler is given a {@link KeyPool} (the pool's name is the service's). */
  service?: ProxyServiceSettings;
  /** A prefix the handler is mounted under: it serves `{basePath}/proxy/{service}/...`. Default none. */
  basePath?: string;
  /** Keys tried per request, the first included. Default 3. */
  attempts?: number;
  /** Connect timeout, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Time to the service's response headers, ms. Default 600 000. */
  headersTimeoutMs?: number;
  /** Longest pause between two body chunks from the service, ms. Default 300 000. */
  idleTimeoutMs?: number;
  /** Proxy for keys without their own `proxyUrl`. */
  proxyUrl?: string;
  /** Dispatcher for direct connections (tests: a `MockAgent`). Default: a shared keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Also called with every usage record (with a Manager they go to its `onUsage` hooks as well). */
  onUsage?: (record: UsageRecord) => void;
}

/** The handler {@link createProxyHandler} returns. */
export interface ProxyHandler extends MountableHandler {
  /** The key pools by service name (cooldowns, keys). */
  readonly pools: ReadonlyMap<string, KeyPool>;
  /** Replaces access settings (client keys) on a live handler; see `CoreHandler.update`. */
  update(settings: HandlerSettings): void;
  /** Closes the proxy dispatchers the handler made. */
  close(): Promise<void>;
}

/** Default {@link ProxyServiceSettings.maxReplayBytes}: 1 MiB. */
export const DEFAULT_MAX_REPLAY_BYTES = 1024 * 1024;

const encoder = new TextEncoder();
const HEAD = 'HEAD';
/** The shortest key masked in streamed bodies: shorter strings occur in data by chance. */
const MIN_MASKED = 8;

interface Service {
  name: string;
  pool: KeyPool;
  origin: string;
  basePath: string;
  placement: KeyPlacement;
  keyHeader: string | undefined;
  maxReplayBytes: number;
  allowed: { keys: ClientKeys; names: ReadonlySet<string> } | undefined;
  /** Byte forms of each key to mask in answers: plain and URL-encoded for successes, every variant for errors. */
  masks: Map<string, { ok: Uint8Array[]; error: Uint8Array[]; text: string[] }>;
}

/**
 * A key-rotation proxy for any REST API: `ANY {basePath}/proxy/{service}/{path...}` goes to the
 * service's base URL with the path joined under it (never to another host: `..`, `//host` and absolute
 * URLs are refused with a 400), the query and body as sent, one of the service's keys put where the
 * service wants it (a header, optionally prefixed, or a query parameter), and the caller's own key
 * (`Authorization`, `x-api-key`, `x-goog-api-key`, `?key=`), cookies and hop-by-hop headers removed.
 * Bodies stream both ways in constant memory; no redirect is followed (a 3xx goes back to the caller,
 * without the key).
 *
 * Keys are chosen and cooled down as the Manager does it for credentials, in the same state store
 * (with Redis, every instance rotates as one): a 429 or 5xx cools the key (for its `Retry-After` or
 * rate-limit reset, capped) and the request is retried on another key while its body can be sent again
 * (up to `maxReplayBytes`); a 401 / 403 disables the key for the long, capped period; a 400 or 404 is
 * the request's and passes through with no cooldown. Every call yields a usage record (`kind: 'proxy'`,
 * service, key id, status, bytes, latency) for the Manager's hooks, hence its ledger and metrics.
 *
 * With a Manager, `options.services` lists the services and their keys; with a {@link KeyPool},
 * `options.service` says how its one service is reached.
 *
 * @throws {ConfigError} for a service without keys, a bad base URL or placement, or no client
 * authentication and no `allowUnauthenticated`.
 * @example
 * ```ts
 * const proxy = createProxyHandler(manager, {
 *   apiKeys: [process.env.GATEWAY_KEY!],
 *   services: [{
 *     name: 'serper', baseUrl: 'https://google.serper.dev',
 *     keys: [{ key: process.env.SERPER_1! }, { key: process.env.SERPER_2! }],
 *     placement: { header: 'X-API-KEY' },
 *   }],
 * });
 * createServer(createNodeListener(combineHandlers(createHandler(manager, opts), proxy))).listen(8317);
 * // curl -H 'Authorization: Bearer $GATEWAY_KEY' -d '{"q":"x"}' localhost:8317/proxy/serper/search
 * ```
 */
export function createProxyHandler(source: Manager | KeyPool, options: ProxyHandlerOptions = {}): ProxyHandler {
  // Told apart by shape, not instanceof: the ESM and CJS builds are two copies of each class.
  const manager = isManager(source) ? source : undefined;
  const services = new Map<string, Service>();
  if (!manager) {
    const pool = source as KeyPool;
    if (!options.service)
      throw new ConfigError('createProxyHandler with a KeyPool needs options.service (baseUrl, placement)');
    services.set(pool.name, compileService(pool.name, pool, options.service));
  } else {
    const policy: Partial<CooldownPolicy> = manager.cooldownPolicy;
    for (const service of options.services ?? []) {
      if (services.has(service.name)) throw new ConfigError(`Two proxy services are named '${service.name}'`);
      const pool = new KeyPool({
        name: service.name,
        keys: service.keys,
        state: manager.state,
        selector: service.selector ?? manager.selector,
        cooldowns: policy,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      services.set(service.name, compileService(service.name, pool, service));
    }
  }
  const prefix = `${normalizeBasePath(options.basePath)}/proxy/`;
  let current: HandlerOptions = { ...options };
  let access: Access = accessFrom(current);
  const stored = followKeyStore(options.keyStore, options.logger);
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const attempts = Math.max(1, options.attempts ?? 3);
  const transport: Transport = createTransport({
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.proxyUrl ? { proxyUrl: options.proxyUrl } : {}),
  });
  const headersTimeout = options.headersTimeoutMs ?? 600_000;
  const bodyTimeout = options.idleTimeoutMs ?? 300_000;

  const report = (record: UsageRecord) => {
    try {
      manager?.reportUsage(record);
      options.onUsage?.(record);
    } catch (err) {
      logger?.warn({ error: (err as Error).message }, 'a usage hook threw');
    }
  };
  const finish = (call: ProxyCall) => {
    report(proxyUsageRecord(call, now()));
    try {
      logger?.info(
        {
          requestId: call.requestId,
          route: '/proxy/{service}/{path}',
          service: call.service,
          credentialId: call.keyId,
          status: call.status,
          attempts: call.attempts,
          bytesIn: call.bytesIn,
          bytesOut: call.bytesOut,
          latencyMs: now() - call.started,
        },
        'proxy request',
      );
    } catch {
      // A logger must not turn an answer into a crash.
    }
  };

  async function attemptOn(
    service: Service,
    key: PoolKey,
    request: CoreRequest,
    path: string,
    query: URLSearchParams,
    headers: Record<string, string>,
    body: OutgoingBody,
    call: ProxyCall,
  ): Promise<Dispatcher.ResponseData> {
    const withKey = { ...headers };
    const q = new URLSearchParams(query);
    const placement = service.placement;
    if ('header' in placement) withKey[service.keyHeader!] = `${placement.prefix ?? ''}${key.key}`;
    else q.set(placement.query, key.key);
    const search = q.toString();
    let sent: Uint8Array | Readable | null = null;
    if (body.kind === 'bytes') {
      // A GET without a body stays without one (no `content-length: 0` the caller did not send).
      sent = body.bytes.byteLength > 0 || headers['content-length'] !== undefined ? body.bytes : null;
      call.bytesIn = body.bytes.byteLength;
    } else if (body.kind === 'stream') {
      sent = toReadable(body.stream, (n) => {
        call.bytesIn += n;
      });
    }
    const dispatcher = transport.dispatcherFor({ id: key.id, provider: 'proxy', proxyUrl: key.proxyUrl });
    return dispatcher.request({
      origin: service.origin,
      path: search ? `${path}?${search}` : path,
      method: request.method as Dispatcher.HttpMethod,
      headers: withKey,
      body: sent,
      signal: request.signal,
      headersTimeout,
      bodyTimeout,
    });
  }

  async function answer(request: CoreRequest, call: ProxyCall, service: Service): Promise<CoreResponse> {
    const rest = request.path.slice(prefix.length + service.name.length);
    const path = joinProxyPath(service.basePath, rest);
    const query = upstreamQuery(request.query, service.placement);
    const headers = upstreamRequestHeaders(request.headers, service.keyHeader);
    const declared = request.headers['content-length'];
    const length = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
    const body = await prepareBody(request.body, service.maxReplayBytes, length);
    if (body.kind === 'bytes') {
      if (body.bytes.byteLength > 0 || length !== undefined) headers['content-length'] = String(body.bytes.byteLength);
    }
    const pool = service.pool;
    const tried = new Set<string>();
    let picked = await pool.pick(tried);
    for (;;) {
      if (!('key' in picked)) return noKey(service, picked.earliest, call, tried.size > 0);
      const key = picked;
      tried.add(key.id);
      call.keyId = key.id;
      call.attempts++;
      call.bytesIn = 0;
      const counting = pool.countsInFlight;
      if (counting) await pool.acquire(key.id);
      let res: Dispatcher.ResponseData;
      try {
        res = await attemptOn(service, key, request, path, query, headers, body, call);
      } catch (err) {
        if (counting) pool.release(key.id);
        if (request.signal.aborted) throw createError('aborted', 'The client went away', { cause: err });
        const timeout = (err as { code?: string }).code?.includes('TIMEOUT') === true;
        const error = createError(
          timeout ? 'timeout' : 'network',
          `The service '${service.name}' could not be reached`,
        );
        await pool.failed(key.id, error, call.requestId);
        if (body.kind !== 'stream' && call.attempts < attempts) {
          picked = await pool.pick(tried);
          if ('key' in picked) continue;
        }
        throw new HttpError(timeout ? 504 : 502, error.kind, error.message);
      }
      call.ttfbMs = now() - call.started;
      const status = res.statusCode;
      const flat = flatHeaders(res.headers);
      const snapshot = readRateLimits(flat, now());
      if (snapshot) void pool.quota(key.id, snapshot).catch(() => undefined);
      const kind = keyFault(status);
      if (kind === undefined) {
        if (status < 500) void pool.succeeded(key.id).catch(() => undefined);
        return relay(service, key, request, res, call, counting);
      }
      const resetIn = snapshot ? quotaExhaustedUntil(snapshot) : undefined;
      const hint = parseRetryAfter(flat, now()) ?? (resetIn === undefined ? undefined : Math.max(0, resetIn - now()));
      const error = createError(kind, `The service '${service.name}' answered ${status}`, {
        status,
        credentialWide: true,
        ...(hint !== undefined ? { retryAfterMs: hint } : {}),
      });
      await pool.failed(key.id, error, call.requestId);
      if (body.kind !== 'stream' && call.attempts < attempts) {
        const next = await pool.pick(tried);
        if ('key' in next) {
          if (counting) pool.release(key.id);
          res.body.dump().catch(() => undefined);
          picked = next;
          continue;
        }
      }
      if (status === 401 || status === 403) {
        // The service refused the gateway's key: passed on, it would tell the caller its own key is bad.
        if (counting) pool.release(key.id);
        res.body.dump().catch(() => undefined);
        throw new HttpError(502, 'upstream_error', `The service '${service.name}' refused its key (${status})`);
      }
      return relay(service, key, request, res, call, counting);
    }
  }

  function relay(
    service: Service,
    key: PoolKey,
    request: CoreRequest,
    res: Dispatcher.ResponseData,
    call: ProxyCall,
    counting: boolean,
  ): CoreResponse {
    const masks = service.masks.get(key.id)!;
    const headers = callerResponseHeaders(res.headers, masks.text);
    headers['x-request-id'] = call.requestId;
    call.status = res.statusCode;
    const pool = service.pool;
    const empty = request.method === HEAD || res.statusCode === 204 || res.statusCode === 304;
    if (empty) {
      res.body.dump().catch(() => undefined);
      if (counting) pool.release(key.id);
      finish(call);
      return { status: res.statusCode, headers, body: null };
    }
    const secrets = res.statusCode >= 400 ? masks.error : masks.ok;
    return {
      status: res.statusCode,
      headers,
      body: relayBody(res.body, secrets, call, () => {
        if (counting) pool.release(key.id);
        finish(call);
      }),
    };
  }

  /**
   * The service's body as the caller gets it: keys masked, bytes counted, `done` called once however it
   * ends. A Node stream piped from undici's body (an async iterable too, for adapters that read one):
   * the Node adapter pipes it to the socket with no promise per chunk, so a large download moves at
   * the speed of a bare `pipeline`; a client that leaves destroys it, which releases the upstream.
   */
  function relayBody(source: Readable, secrets: readonly Uint8Array[], call: ProxyCall, done: () => void): Transform {
    const masker = secretMasker(secrets);
    const relayed = new Transform({
      transform(chunk: Uint8Array, _encoding, callback) {
        for (const out of masker.push(chunk)) {
          call.bytesOut += out.byteLength;
          this.push(out);
        }
        callback();
      },
      flush(callback) {
        const rest = masker.flush();
        if (rest) call.bytesOut += rest.byteLength;
        callback(null, rest);
      },
    });
    relayed.once('close', () => {
      if (!source.destroyed) source.destroy();
      done();
    });
    source.once('error', (err) => relayed.destroy(err));
    source.pipe(relayed);
    return relayed;
  }

  function noKey(service: Service, earliest: number | undefined, call: ProxyCall, triedSome: boolean): CoreResponse {
    if (earliest !== undefined) {
      const waitMs = Math.max(0, earliest - now());
      throw new HttpError(429, 'rate_limited', `Every key of the service '${service.name}' is cooling down`, {
        retryAfterMs: waitMs,
      });
    }
    call.status = 503;
    throw new HttpError(
      503,
      'no_credentials',
      triedSome
        ? `Every key of the service '${service.name}' failed for this request`
        : `No key of the service '${service.name}' can serve right now`,
    );
  }

  const handler = async (request: CoreRequest): Promise<CoreResponse> => {
    const requestId = newRequestId();
    const call: ProxyCall = {
      requestId,
      service: '',
      status: 0,
      attempts: 0,
      started: now(),
      bytesIn: 0,
      bytesOut: 0,
    };
    let service: Service | undefined;
    try {
      if (!request.path.startsWith(prefix)) throw new HttpError(404, 'not_found', `No route for ${request.path}`);
      const end = request.path.indexOf('/', prefix.length);
      const name = request.path.slice(prefix.length, end === -1 ? undefined : end);
      const caller = await authorize(access, stored, request, now());
      if (caller) call.principal = caller.principal;
      service = services.get(name);
      if (!service) throw new HttpError(404, 'not_found', `No proxy service named '${safeName(name)}'`);
      call.service = service.name;
      checkAllowed(service, caller, request);
      return await answer(request, call, service);
    } catch (err) {
      const response = errorJson(err, requestId);
      if (
        !(err instanceof HttpError) &&
        !(SwitchyardError.is(err) && (err.kind === 'aborted' || err.kind === 'invalid_request'))
      ) {
        try {
          logger?.error({ requestId, error: err instanceof Error ? err.name : 'error' }, 'proxy request failed');
          options.onError?.(err, { requestId, path: '/proxy/{service}/{path}' });
        } catch {
          // A logging hook must not turn an answer into a crash.
        }
      }
      if (service) {
        call.status = response.status;
        call.errorCode = errorCodeOf(err);
        finish(call);
      }
      return response;
    }
  };

  return Object.assign(handler, {
    pools: new Map([...services].map(([name, s]) => [name, s.pool])),
    handles: (path: string) => path.startsWith(prefix),
    update: (settings: HandlerSettings) => {
      const merged: HandlerOptions = { ...current };
      for (const name of UPDATABLE) {
        if (Object.hasOwn(settings, name)) Object.assign(merged, { [name]: settings[name] });
      }
      const next = accessFrom(merged);
      if (authenticates(access) && !authenticates(next)) {
        throw new ConfigError(
          'Refused: this update would remove every client API key while they are in force, which would open the proxy',
        );
      }
      access = next;
      current = merged;
    },
    close: () => transport.close(),
  });
}

function isManager(source: Manager | KeyPool): source is Manager {
  return typeof (source as Partial<Manager>).execute === 'function';
}

function compileService(name: string, pool: KeyPool, settings: ProxyServiceSettings): Service {
  let url: URL;
  try {
    url = new URL(settings.baseUrl);
  } catch {
    throw new ConfigError(`The proxy service '${name}' has an invalid baseUrl: give an http(s) URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) {
    throw new ConfigError(
      `The proxy service '${name}' needs an http(s) baseUrl without a query, fragment or user:password`,
    );
  }
  const placement = settings.placement;
  const hasHeader = 'header' in placement && typeof placement.header === 'string' && placement.header !== '';
  const hasQuery = 'query' in placement && typeof placement.query === 'string' && placement.query !== '';
  if (hasHeader === hasQuery) {
    throw new ConfigError(`The proxy service '${name}' needs a placement with exactly one of header or query`);
  }
  let allowed: Service['allowed'];
  if (settings.clientKeys) {
    allowed = { keys: new ClientKeys(settings.clientKeys), names: new Set(settings.clientKeys) };
  }
  const masks: Service['masks'] = new Map();
  for (const key of pool.keys()) {
    const variants = secretVariants(key.key);
    const plain = [...new Set([key.key, encodeURIComponent(key.key)])];
    masks.set(key.id, {
      ok: key.key.length >= MIN_MASKED ? plain.map((s) => encoder.encode(s)) : [],
      error:
        key.key.length >= MIN_MASKED
          ? variants.filter((v) => v.length >= MIN_MASKED).map((s) => encoder.encode(s))
          : [],
      text: variants,
    });
  }
  return {
    name,
    pool,
    origin: url.origin,
    basePath: url.pathname === '/' ? '' : url.pathname,
    placement,
    keyHeader: 'header' in placement ? placement.header.toLowerCase() : undefined,
    maxReplayBytes: settings.maxReplayBytes ?? DEFAULT_MAX_REPLAY_BYTES,
    allowed,
    masks,
  };
}

/** A caller the service does not allow gets a 403; the check is in constant time for key values. */
function checkAllowed(service: Service, caller: Caller | undefined, request: CoreRequest): void {
  const allowed = service.allowed;
  if (!allowed) return;
  const presented = presentedKey(request);
  const byKey = presented !== undefined && allowed.keys.findDigest(sha256(presented)) !== undefined;
  if (byKey || (caller !== undefined && allowed.names.has(caller.principal))) return;
  throw new HttpError(403, 'forbidden', `This API key may not use the proxy service '${service.name}'`);
}

/** The caller's query without its own key (`key`) and without the service's key parameter. */
function upstreamQuery(query: CoreRequest['query'], placement: KeyPlacement): URLSearchParams {
  const out = new URLSearchParams();
  const drop = 'query' in placement ? placement.query : undefined;
  const add = (name: string, value: string) => {
    if (name !== 'key' && name !== drop) out.append(name, value);
  };
  if (query instanceof URLSearchParams) for (const [name, value] of query) add(name, value);
  else for (const name in query) if (query[name] !== undefined) add(name, query[name]!);
  return out;
}

/** The kind of a status that is the key's fault; undefined when the key is not at fault. */
function keyFault(status: number): ErrorKind | undefined {
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'quota_exhausted';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 500 && status < 600) return 'upstream_error';
  return undefined;
}

function flatHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function errorJson(err: unknown, requestId: string): CoreResponse {
  let status = 500;
  let type = 'internal';
  let message = `Internal error (request ${requestId})`;
  let retryAfterMs: number | undefined;
  let extra: Readonly<Record<string, string>> | undefined;
  if (err instanceof HttpError) {
    status = err.status;
    type = err.kind;
    message = err.message;
    retryAfterMs = err.retryAfterMs;
    extra = err.headers;
  } else if (SwitchyardError.is(err)) {
    status = err.kind === 'aborted' ? 499 : err.status;
    type = err.kind;
    message = err.kind === 'internal' ? message : err.message;
    retryAfterMs = err.retryAfterMs;
  }
  const bytes = encoder.encode(JSON.stringify({ error: { message, type, code: status, request_id: requestId } }));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(bytes.byteLength),
    'x-request-id': requestId,
    ...extra,
  };
  if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfterMs / 1000)));
  return { status, headers, body: bytes };
}

function errorCodeOf(err: unknown): string {
  if (SwitchyardError.is(err)) return err.code;
  if (err instanceof HttpError) return `SWITCHYARD_${err.kind.toUpperCase()}`;
  return 'SWITCHYARD_INTERNAL';
}

/** A service name as it may be echoed: only the characters a name may have. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '?').slice(0, 64);
}

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return '';
  const withSlash = basePath.startsWith('/') ? basePath : `/${basePath}`;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
