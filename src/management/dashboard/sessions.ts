import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CoreRequest } from '../../http/types.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'switchyard_session';
/** The header the dashboard sends its CSRF token in, on every write. */
export const CSRF_HEADER = 'x-csrf-token';
/** Sessions kept at most; the oldest is dropped first. */
const MAX_SESSIONS = 1_000;

/** One logged-in dashboard session. */
export interface DashboardSession {
  /** Sent back in {@link CSRF_HEADER} on every write. */
  csrf: string;
  /** Epoch ms. */
  expiresAt: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Dashboard sessions in memory, one process: a random token per login (kept as its SHA-256), with a
 * CSRF token and an expiry. A restart logs everyone out.
 */
export class DashboardSessions {
  readonly #sessions = new Map<string, DashboardSession>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** A new session: the cookie's token (never stored as such) and the session. */
  create(): { token: string; session: DashboardSession } {
    const token = randomBytes(32).toString('base64url');
    const session = { csrf: randomBytes(24).toString('base64url'), expiresAt: this.#now() + this.#ttlMs };
    this.#sessions.set(digest(token), session);
    if (this.#sessions.size > MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    return { token, session };
  }

  /** The live session of the request's cookie, if any. */
  find(request: CoreRequest): DashboardSession | undefined {
    const token = sessionToken(request);
    if (!token) return undefined;
    const key = digest(token);
    const session = this.#sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(key);
      return undefined;
    }
    return session;
  }

  /** Ends the request's session. */
  delete(request: CoreRequest): void {
    const token = sessionToken(request);
    if (token) this.#sessions.delete(digest(token));
  }
}

/** The session token from the request's `cookie` header. */
function sessionToken(request: CoreRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** True when the request carries the session's CSRF token (constant time). */
export function hasCsrfToken(request: CoreRequest, session: DashboardSession): boolean {
  const presented = request.headers[CSRF_HEADER];
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True unless the request names an `Origin` other than its own `Host` (a write from another site). Browsers
 * send `Origin` on every cross-origin request, and on same-origin writes.
 */
export function sameOrigin(request: CoreRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** True for methods that change nothing. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
