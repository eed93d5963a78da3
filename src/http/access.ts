import { ConfigError } from '../core/errors.js';
import {
  applyPolicy,
  type Caller,
  ClientKeys,
  checkCaller,
  isLoopbackPeer,
  presentedDigest,
  presentedKey,
} from './client-auth.js';
import type { FollowedKeys } from './client-keys/follow-key-store.js';
import { HttpError } from './error-response.js';
import type { CoreRequest, HandlerOptions } from './types.js';

/** Default {@link HandlerOptions.maxBodyBytes}: 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Default {@link HandlerOptions.maxJsonDepth}: 128 levels of objects and arrays. */
export const DEFAULT_MAX_JSON_DEPTH = 128;

/** The settings `update()` may change on a live handler. */
export const UPDATABLE = [
  'apiKeys',
  'keys',
  'authenticate',
  'allowUnauthenticated',
  'maxBodyBytes',
  'maxJsonDepth',
] as const;

/** The access settings in force, checked once per change. */
export interface Access {
  keys: ClientKeys;
  /** A key store may hold keys: the handler is keyed even while it holds none. */
  hasStore: boolean;
  authenticate: HandlerOptions['authenticate'];
  allowUnauthenticated: true | 'loopback' | undefined;
  maxBodyBytes: number;
  maxJsonDepth: number;
}

/** The access settings, checked: every mistake here would fail open or fail every request. */
export function accessFrom(options: HandlerOptions): Access {
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

export function authenticates(access: Access): boolean {
  return access.keys.size > 0 || access.hasStore || access.authenticate !== undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0))
    throw new ConfigError(`${name} must be a positive number, not ${value}`);
  return value;
}

/**
 * Who is calling: a configured key or one of the store's (compared in constant time), the host's
 * `authenticate`, or nobody where no key exists and unauthenticated callers are allowed.
 *
 * @throws {HttpError} 401 for a missing or wrong key, 403 for a caller the rules refuse.
 */
export async function authorize(
  access: Access,
  stored: FollowedKeys,
  request: CoreRequest,
  now: number,
): Promise<Caller | undefined> {
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
    const digest = presentedDigest(presented);
    const configured = keys.findDigest(digest);
    const caller = storeKeys.findDigest(digest) ?? configured;
    if (caller) {
      checkCaller(caller, request, now);
      return caller;
    }
  }
  if (authenticate) {
    const result = await authenticate(request);
    if (result) {
      const caller = applyPolicy({ principal: result.principal, limitKey: `principal:${result.principal}` }, result);
      checkCaller(caller, request, now);
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
