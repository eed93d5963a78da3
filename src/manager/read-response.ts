import { concatBytes } from '../core/concat-bytes.js';
import { UpstreamError } from '../core/errors.js';
import type { ExecutorResponse, Operation } from '../executors/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { readUsage, translateResponse } from '../translate/index.js';
import { estimateTokens, readTokenCount, renderTokenCount } from '../translate/token-count.js';
import type { ExecuteResult } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
});

/** What every answer of an attempt says about where it came from. */
export interface Common {
  requestId: string;
  credentialId: string;
  provider: string;
  model: string;
  attempts: number;
  warnings: readonly string[];
}

/** Reads a non-stream answer whole and renders it in the caller's dialect. */
export async function readResponse(args: {
  response: ExecutorResponse;
  from: Dialect;
  to: Dialect;
  operation: Operation;
  toolNames?: readonly string[] | undefined;
  common: Common;
  /** The Manager's clock: dates a translated answer whose upstream sent no time. */
  now: () => number;
  /** Called once the upstream's body has been read whole, before it is parsed and translated. */
  onRead?: () => void;
}): Promise<{ result: ExecuteResult; usage: Usage | undefined; translated?: Record<string, unknown> | undefined }> {
  let translated: Record<string, unknown> | undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of args.response.body) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  args.onRead?.();
  let bytes = concatBytes(chunks, size);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new UpstreamError('The upstream answered with a body that is not JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new UpstreamError('The upstream answered with a JSON body that is not an object');
  }
  let warnings = args.common.warnings;
  if (args.operation === 'count_tokens') {
    const tokens = readTokenCount(parsed as Record<string, unknown>);
    if (tokens === undefined) throw new UpstreamError('The upstream answered a token count without a count');
    if (args.from !== args.to) bytes = encoder.encode(JSON.stringify(renderTokenCount(args.to, tokens)));
    return {
      result: {
        status: 200,
        headers: { ...JSON_HEADERS },
        stream: false,
        body: bytes,
        usage: Promise.resolve(undefined),
        ...args.common,
      },
      usage: undefined,
    };
  }
  const usage = safeUsage(args.from, parsed as Record<string, unknown>);
  if (args.from !== args.to) {
    const out = translateResponse({
      from: args.from,
      to: args.to,
      body: parsed as Record<string, unknown>,
      ...(args.toolNames ? { toolNames: args.toolNames } : {}),
      now: args.now,
    });
    bytes = encoder.encode(JSON.stringify(out.value));
    if (out.warnings.length > 0) warnings = [...warnings, ...out.warnings.map((w) => w.message)];
    translated = out.value;
  }
  return {
    translated,
    result: {
      status: 200,
      headers: { ...JSON_HEADERS },
      stream: false,
      body: bytes,
      usage: Promise.resolve(usage),
      ...args.common,
      warnings,
    },
    usage,
  };
}

function safeUsage(dialect: Dialect, body: Record<string, unknown>): Usage | undefined {
  try {
    return readUsage(dialect, body);
  } catch {
    return undefined;
  }
}

/** A count-tokens answer computed locally, in the caller's dialect. */
export function localTokenCount(dialect: Dialect, body: Record<string, unknown>, common: Common): ExecuteResult {
  const bytes = encoder.encode(JSON.stringify(renderTokenCount(dialect, estimateTokens(body))));
  return {
    status: 200,
    headers: { ...JSON_HEADERS },
    stream: false,
    body: bytes,
    usage: Promise.resolve(undefined),
    ...common,
  };
}
