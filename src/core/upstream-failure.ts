import type { ErrorKind } from './errors.js';

/** A failed (non-2xx) upstream answer, as a dialect's error parser reads it. */
export interface UpstreamFailure {
  status: number;
  /** Response headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON, when it was JSON. Secrets already scrubbed. */
  json: unknown;
  /** The body as text (truncated; an HTML page is reduced to its title). Secrets already scrubbed. */
  text: string;
  /** Epoch ms when the answer arrived, for date-valued headers. */
  now: number;
}

/**
 * How a provider reads one of its error answers. Anything left out falls back to the generic rules:
 * the kind from the status code, the message from the body, `retryAfterMs` from `retry-after-ms` /
 * `Retry-After`.
 */
export interface ErrorClassification {
  kind?: ErrorKind;
  /** The upstream's own message, without secrets. */
  message?: string;
  retryAfterMs?: number;
  credentialWide?: boolean;
}
