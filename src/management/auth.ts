import { timingSafeEqual } from 'node:crypto';
import { isLoopbackPeer, sha256 } from '../http/client-auth.js';
import type { CoreRequest } from '../http/types.js';
import { type DashboardSessions, hasCsrfToken, isSafeMethod, sameOrigin } from './dashboard/sessions.js';

/** Consecutive failures from one address before it has to wait. */
const FREE_FAILURES = 5;
const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 15 * 60_000;
/** Addresses remembered at most; the oldest is forgotten first. */
const MAX_ADDRESSES = 10_000;

/** Why a management request was refused, or undefined when it may go on. */
export type AuthRefusal =
  | { status: 401; message: string }
  | { status: 403; message: string }
  | { status: 429; message: string; retryAfterS: number };

/**
 * The management secret's check: the secret is kept only as its SHA-256, a presented key (Bearer or
 * `x-management-key`) is hashed and compared in constant time, a peer that is not loopback is refused
 * unless remote management is allowed, and an address that keeps presenting a wrong secret waits longer
 * each time (1 s after the fifth failure in a row, doubling up to 15 minutes; a request with no secret
 * at all is refused without counting). With dashboard sessions, a live
 * session cookie is accepted instead of the secret; a write with it must carry the session's CSRF token
 * and come from the same origin.
 */
export class ManagementAuth {
  readonly #digest: Buffer;
  readonly #allowRemote: boolean;
  readonly #now: () => number;
  readonly #failures = new Map<string, { count: number; blockedUntil: number }>();
  readonly #sessions: DashboardSessions | undefined;

  constructor(secret: string, allowRemote: boolean, now: () => number, sessions?: DashboardSessions) {
    this.#digest = sha256(secret);
    this.#allowRemote = allowRemote;
    this.#now = now;
    this.#sessions = sessions;
  }

  /** Checks a management request: the secret (Bearer or `x-management-key`) or a dashboard session. */
  check(request: CoreRequest): AuthRefusal | undefined {
    const session = this.#sessions && presentedKey(request) === undefined ? this.#sessions.find(request) : undefined;
    if (session) {
      const refusal = this.#peerRefusal(request);
      if (refusal) return refusal;
      if (isSafeMethod(request.method)) return undefined;
      if (!sameOrigin(request)) return { status: 403, message: 'A write from another origin is refused' };
      if (!hasCsrfToken(request, session)) {
        return { status: 403, message: 'A write with the dashboard session needs its CSRF token (x-csrf-token)' };
      }
      return undefined;
    }
    return this.verify(request, presentedKey(request));
  }

  /** Checks a presented secret (undefined: none was presented) with the loopback rule and the back-off. */
  verify(request: CoreRequest, presented: string | undefined): AuthRefusal | undefined {
    const refusal = this.#peerRefusal(request);
    if (refusal) return refusal;
    const address = request.remoteAddress ?? 'unknown';
    const now = this.#now();
    const record = this.#failures.get(address);
    if (record && record.blockedUntil > now) {
      return {
        status: 429,
        message: 'Too many failed management logins from this address; wait and try again',
        retryAfterS: Math.ceil((record.blockedUntil - now) / 1000),
      };
    }
    if (presented !== undefined && timingSafeEqual(sha256(presented), this.#digest)) {
      this.#failures.delete(address);
      return undefined;
    }
    // Only a wrong secret is a guess: a request without one (a stale session cookie after a restart,
    // polled by every open tab) must not lock the operator out.
    if (presented !== undefined) this.#fail(address, now);
    return {
      status: 401,
      message:
        presented === undefined
          ? 'Management routes need the management secret: Authorization: Bearer <secret> or x-management-key'
          : 'The management secret is wrong',
    };
  }

  /** The rule on remote peers alone, for routes served without the secret (the OAuth callback). */
  checkPeer(request: CoreRequest): AuthRefusal | undefined {
    return this.#peerRefusal(request);
  }

  #peerRefusal(request: CoreRequest): AuthRefusal | undefined {
    if (!this.#allowRemote && !isLoopbackPeer(request)) {
      return {
        status: 403,
        message:
          'Management is served to loopback clients only (requests forwarded by a proxy count as remote). ' +
          'Set remote-management.allow-remote: true (allowRemote) to manage this gateway from elsewhere.',
      };
    }
    return undefined;
  }

  #fail(address: string, now: number): void {
    const record = this.#failures.get(address) ?? { count: 0, blockedUntil: 0 };
    this.#failures.delete(address);
    record.count += 1;
    if (record.count >= FREE_FAILURES) {
      record.blockedUntil = now + Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (record.count - FREE_FAILURES));
    }
    this.#failures.set(address, record);
    if (this.#failures.size > MAX_ADDRESSES) this.#failures.delete(this.#failures.keys().next().value!);
  }
}

function presentedKey(request: CoreRequest): string | undefined {
  const header = request.headers['x-management-key'];
  if (header) return header;
  const authorization = request.headers.authorization;
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  return match ? match[1] : undefined;
}
