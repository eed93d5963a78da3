import type { Awaitable } from '../../core/awaitable.js';
import type { ClientPolicy } from '../types.js';

/**
 * A client key as a {@link ClientKeyStore} keeps it: its SHA-256 and first characters, never the key.
 * The key itself is shown once, when it is created.
 */
export interface ClientKeyRecord extends ClientPolicy {
  /** Stable id (`ck_…`), in logs, usage records and the management API. */
  id: string;
  /** SHA-256 of the key, lower-case hex. */
  digest: string;
  /** The key's first characters, to recognise it (`sk-sy-Ab3d`). */
  prefix: string;
  /** Who it belongs to; reaches hooks and usage records as the principal. Default `key:<id>`. */
  name?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Refused while true (401), kept for its history. */
  disabled?: boolean;
}

/**
 * Where client keys created at run time live, so every instance following the store accepts them: in
 * memory, in a JSON file, or in a database. The handler reloads them when `watch` reports a change.
 */
export interface ClientKeyStore {
  list(): Awaitable<ClientKeyRecord[]>;
  /** Inserts or replaces the record with its id. */
  save(record: ClientKeyRecord): Awaitable<ClientKeyRecord>;
  /** True when a record was deleted. */
  delete(id: string): Awaitable<boolean>;
  /** Calls `listener` after a change, made here or by another instance. Returns a function that stops it. */
  watch?(listener: () => void): () => void;
  close?(): Awaitable<void>;
}
