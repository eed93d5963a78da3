import { createHash, timingSafeEqual } from 'node:crypto';
import { compileWildcard } from '../core/wildcard.js';
import type { CostBudget } from '../observe/usage/spend.js';
import { compileAddressFilter } from './address-filter.js';
import type { ClientKeyRecord } from './client-keys/types.js';
import { HttpError } from './error-response.js';
import type { ClientKey, ClientPolicy, CoreRequest } from './types.js';

/** A caller that passed authentication. */
export interface Caller {
  principal: string;
  /** The key of the rate-limit windows: the key's fingerprint, or the principal. */
  limitKey: string;
  /** Model filter; undefined allows every model. */
  allowsModel?: (model: string) => boolean;
  rpm?: number;
  tpm?: number;
  budget?: { tokens: number; periodMs?: number };
  expiresAt?: number;
  /** Address filter; undefined allows every address. */
  allowsAddress?: (address: string | undefined) => boolean;
  maxConcurrent?: number;
  groups?: readonly string[];
  costBudgets?: readonly CostBudget[];
}

interface CompiledKey {
  digest: Buffer;
  caller: Caller;
}

/**
 * The configured client keys, kept only as SHA-256 digests. A presented key is hashed and compared with
 * every digest by `timingSafeEqual`: equal-length inputs, no early exit, so neither the key's length nor
 * its position in the list shows in the timing.
 */
export class ClientKeys {
  readonly #keys: CompiledKey[];

  constructor(
    apiKeys: readonly string[] = [],
    keys: readonly ClientKey[] = [],
    records: readonly ClientKeyRecord[] = [],
  ) {
    const entries: ClientKey[] = [...apiKeys.map((key) => ({ key })), ...keys];
    this.#keys = entries.map((entry) => {
      const digest = sha256(entry.key);
      const fingerprint = digest.subarray(0, 4).toString('hex');
      const caller: Caller = { principal: entry.principal ?? `key:${fingerprint}`, limitKey: `key:${fingerprint}` };
      applyPolicy(caller, entry);
      return { digest, caller };
    });
    for (const record of records) {
      if (record.disabled || !/^[0-9a-f]{64}$/.test(record.digest)) continue;
      const caller: Caller = { principal: record.name ?? `key:${record.id}`, limitKey: `key:${record.id}` };
      applyPolicy(caller, record);
      this.#keys.push({ digest: Buffer.from(record.digest, 'hex'), caller });
    }
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The caller whose key equals `presented`, or undefined. */
  find(presented: string): Caller | undefined {
    return this.findDigest(presentedDigest(presented));
  }

  /** The caller whose key's SHA-256 is `digest` (hash once, search several lists). */
  findDigest(digest: Buffer): Caller | undefined {
    let found: Caller | undefined;
    for (const entry of this.#keys) {
      // No break: every digest is compared, whichever matches.
      if (timingSafeEqual(entry.digest, digest) && !found) found = entry.caller;
    }
    return found;
  }
}

/** Copies a policy's limits and model filter onto a caller. */
export function applyPolicy(caller: Caller, policy: ClientPolicy): Caller {
  if (policy.models) {
    const matchers = policy.models.map(compileWildcard);
    caller.allowsModel = (model) => matchers.some((m) => m(model));
  }
  if (policy.rpm !== undefined) caller.rpm = policy.rpm;
  if (policy.tpm !== undefined) caller.tpm = policy.tpm;
  if (policy.budget !== undefined) caller.budget = policy.budget;
  if (policy.expiresAt !== undefined) caller.expiresAt = policy.expiresAt;
  if (policy.allowedIps !== undefined) caller.allowsAddress = compileAddressFilter(policy.allowedIps);
  if (policy.maxConcurrent !== undefined) caller.maxConcurrent = policy.maxConcurrent;
  if (policy.groups !== undefined) caller.groups = policy.groups;
  if (policy.costBudgets !== undefined && policy.costBudgets.length > 0) caller.costBudgets = policy.costBudgets;
  return caller;
}

/**
 * Refuses a caller whose key expired or who calls from an address the key does not allow, in the order
 * a relay checks them: expiry first (401), then the address (403).
 *
 * @throws {HttpError}
 */
export function checkCaller(caller: Caller, request: CoreRequest, now: number): void {
  if (caller.expiresAt !== undefined && caller.expiresAt <= now) {
    throw new HttpError(401, 'unauthorized', `This API key expired on ${new Date(caller.expiresAt).toISOString()}`);
  }
  if (caller.allowsAddress && !caller.allowsAddress(request.remoteAddress)) {
    throw new HttpError(
      403,
      'forbidden',
      `This API key may not be used from ${request.remoteAddress ?? 'an unknown address'}`,
    );
  }
}

/**
 * The API key a client presented, the way each SDK sends it: `Authorization: Bearer` (OpenAI),
 * `x-api-key` (Anthropic), `x-goog-api-key` (Google), or `?key=` (Google's URL form).
 */
export function presentedKey(request: CoreRequest): string | undefined {
  const headers = request.headers;
  const authorization = headers.authorization;
  if (authorization && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    return authorization.slice(7).trim();
  }
  const key = headers['x-api-key'] || headers['x-goog-api-key'];
  if (key) return key.trim();
  const query = request.query;
  const fromQuery = query instanceof URLSearchParams ? query.get('key') : query.key;
  return fromQuery || undefined;
}

/** Headers a reverse proxy adds: with any of them the socket's peer is the proxy, not the client. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/**
 * True when the request comes straight from a loopback peer: a loopback address and none of the
 * `Forwarded`, `X-Forwarded-For`, `X-Real-IP` headers (behind a reverse proxy or a sidecar on the same
 * host every client arrives from loopback, so a forwarded request is never trusted as local).
 */
export function isLoopbackPeer(request: CoreRequest): boolean {
  if (!isLoopback(request.remoteAddress)) return false;
  const headers = request.headers;
  for (const name of FORWARDING_HEADERS) if (headers[name] !== undefined) return false;
  return true;
}

/** True for an IPv4 or IPv6 loopback address (IPv4-mapped included). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  if (address === '::1' || address === 'localhost') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.');
}

/** SHA-256 of a text. */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Presented keys whose digest {@link presentedDigest} remembers; the oldest is dropped past this. */
const DIGEST_CACHE_SIZE = 1_024;
const digests = new Map<string, Buffer>();

/**
 * SHA-256 of a key a client presented, as {@link ClientKeys.findDigest} takes it: computed once per
 * distinct key among the last {@link DIGEST_CACHE_SIZE}, since the same few keys arrive on every request.
 * Keys that match nothing are remembered too (a flood of made-up keys only pushes the others out).
 */
export function presentedDigest(presented: string): Buffer {
  let digest = digests.get(presented);
  if (digest === undefined) {
    digest = sha256(presented);
    if (digests.size >= DIGEST_CACHE_SIZE) digests.delete(digests.keys().next().value as string);
    digests.set(presented, digest);
  }
  return digest;
}
