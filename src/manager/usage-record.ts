import { concatBytes } from '../core/concat-bytes.js';
import type { Credential } from '../core/credential.js';
import type { SwitchyardError } from '../core/errors.js';
import type { Usage } from '../translate/dialect.js';
import type { UsagePricer } from './cost/usage-pricer.js';
import type { ContentCapture } from './run-state.js';
import type { ContentRecord, ExecuteInput, UsageRecord } from './types.js';

/** What the Manager knows about a finished request when it reports usage. */
export interface UsageArgs {
  input: ExecuteInput;
  requestId: string;
  started: number;
  modelRequested: string;
  modelUsed?: string | undefined;
  credential?: Credential;
  attempts: number;
  error?: SwitchyardError;
  usage?: Usage;
  ttfbMs?: number;
  /** Time spent waiting on upstreams over all attempts, ms. */
  upstreamMs?: number;
  /** The HTTP status the caller got. Default: the error's status, or 200. */
  status?: number;
  /** The answer's bytes, when a hook wants content. */
  content?: ContentCapture | undefined;
}

/** The usage record of a finished request: credential by id only, never a secret. */
export function buildUsageRecord(args: UsageArgs, now: number, price?: UsagePricer): UsageRecord {
  const u = args.usage;
  const record: UsageRecord = {
    timestamp: now,
    requestId: args.requestId,
    modelRequested: args.modelRequested,
    dialect: args.input.dialect,
    stream: args.input.stream ?? args.input.body.stream === true,
    promptTokens: u?.inputTokens ?? 0,
    completionTokens: u?.outputTokens ?? 0,
    cachedTokens: u?.cacheReadTokens ?? 0,
    cacheWriteTokens: u?.cacheWriteTokens ?? 0,
    reasoningTokens: u?.reasoningTokens ?? 0,
    latencyMs: now - args.started,
    upstreamMs: args.upstreamMs ?? 0,
    attempts: args.attempts,
    success: !args.error,
    status: args.status ?? args.error?.status ?? 200,
  };
  if (args.credential) {
    record.credentialId = args.credential.id;
    record.provider = args.credential.provider;
  }
  if (args.modelUsed) record.modelUsed = args.modelUsed;
  if (args.ttfbMs !== undefined) record.ttfbMs = args.ttfbMs;
  if (args.error) record.errorCode = args.error.code;
  if (args.input.principal !== undefined) record.principal = args.input.principal;
  if (price) {
    const cost = price(record, record.modelUsed ?? record.modelRequested);
    if (cost) record.cost = cost;
  }
  return record;
}

/** The content record of a finished request (see `ManagerHooks.onContent`). */
export function buildContentRecord(args: UsageArgs, content: ContentCapture): ContentRecord {
  const record: ContentRecord = {
    requestId: args.requestId,
    dialect: args.input.dialect,
    stream: args.input.stream ?? args.input.body.stream === true,
    request: args.input.body,
    truncated: content.truncated,
  };
  if (content.chunks.length > 0) record.response = concatBytes(content.chunks, content.bytes);
  return record;
}
