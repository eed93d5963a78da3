import { randomBytes } from 'node:crypto';
import { sha256 } from '../client-auth.js';
import type { ClientPolicy } from '../types.js';
import type { ClientKeyRecord } from './types.js';

/** Characters of a new key shown in listings to recognise it. */
const PREFIX_LENGTH = 10;

/**
 * A new client key (`sk-sy-` and 43 random base64url characters, 256 bits) and the record that stores
 * it: the key's SHA-256 and first characters. The key is returned only here.
 */
export function newClientKey(
  policy: ClientPolicy & { name?: string | undefined },
  now: number,
): { key: string; record: ClientKeyRecord } {
  const key = `sk-sy-${randomBytes(32).toString('base64url')}`;
  const record: ClientKeyRecord = {
    ...policy,
    id: `ck_${randomBytes(8).toString('hex')}`,
    digest: digestOf(key),
    prefix: key.slice(0, PREFIX_LENGTH),
    createdAt: now,
  } as ClientKeyRecord;
  if (policy.name === undefined) delete record.name;
  return { key, record };
}

/** SHA-256 of a key, lower-case hex, as {@link ClientKeyRecord.digest} holds it. */
export function digestOf(key: string): string {
  return sha256(key).toString('hex');
}
