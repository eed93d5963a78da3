import type { Credential } from '../core/credential.js';
import { credentialSecrets } from '../core/credential.js';
import type { SwitchyardError } from '../core/errors.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { EmbeddingRequest } from '../translate/embeddings/types.js';
import type { FailureDecision } from './failure-policy.js';
import type { Route } from './model-router.js';
import type { ExecuteInput } from './types.js';

/** What the Manager carries from one attempt of a request to the next. */
export interface RunState {
  input: ExecuteInput;
  /** The model as the caller named it. */
  requested: string;
  requestId: string;
  route: Route;
  stream: boolean;
  started: number;
  /** Credentials tried already (not picked again for this request). */
  tried: Set<string>;
  attempt: number;
  lastError?: SwitchyardError;
  /** The failure table's decision about the last failed attempt. */
  decision?: FailureDecision;
  /** Retry this credential after refreshing it (401 on an OAuth credential). */
  refreshNext?: Credential;
  refreshed: Set<string>;
  /** The request translated per (dialect, provider), reused across attempts. */
  bodies: Map<string, { body: Record<string, unknown>; warnings: readonly string[] }>;
  /** The credentials this request used (their secrets are scrubbed from what it reports, on error paths only). */
  used: Credential[];
  sessionKey?: string | null;
  lastCredential?: Credential;
  /** The picked credential had an expired cooldown entry: a success clears it (and its strikes). */
  staleCooldown?: boolean;
  /** Epoch ms (real time) by which the whole request must be done; 0 for no limit. */
  deadline: number;
  /** The total duration ran out: nothing more is tried. */
  expired?: boolean;
  /** Time spent waiting on upstreams over all attempts so far, ms. */
  upstreamMs: number;
  /** Counted out of the Manager's in-flight executions already. */
  settled?: boolean;
  /** The answer's bytes as the caller gets them, kept only while a hook wants content. */
  content?: ContentCapture;
  /** An `embed` request, decoded once before any credential is picked. */
  embedding?: EmbeddingRequest;
}

/** The answer's bytes, up to a limit, for `hooks.onContent`. */
export interface ContentCapture {
  chunks: Uint8Array[];
  bytes: number;
  max: number;
  truncated: boolean;
}

/** Keeps `chunk` (or as much of it as fits). */
export function capture(content: ContentCapture, chunk: Uint8Array): void {
  const room = content.max - content.bytes;
  if (room <= 0) {
    if (chunk.byteLength > 0) content.truncated = true;
    return;
  }
  const kept = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
  if (kept !== chunk) content.truncated = true;
  content.chunks.push(kept);
  content.bytes += kept.byteLength;
}

/** Every secret of the credentials a request used, computed only when something is about to be reported. */
export function secretsOf(run: Pick<RunState, 'used'>): string[] {
  return run.used.flatMap((c) => credentialSecrets(c));
}

/** The cause of a bug as one line for the log, secrets removed. */
export function causeText(cause: unknown, secrets: Iterable<string>): string {
  const text =
    cause instanceof Error ? `${cause.name}: ${cause.message}${cause.stack ? `\n${cause.stack}` : ''}` : String(cause);
  return scrubSecrets(text, secrets);
}
