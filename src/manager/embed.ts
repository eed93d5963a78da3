import { concatBytes } from '../core/concat-bytes.js';
import type { Credential } from '../core/credential.js';
import { InvalidRequestError, UpstreamError } from '../core/errors.js';
import type { Executor, ExecutorResponse } from '../executors/types.js';
import type { Dialect, Usage } from '../translate/dialect.js';
import { answerEmbeddings, type EmbeddingRequest, planEmbeddings } from '../translate/embeddings/index.js';
import { isRecord, type JsonObject } from '../translate/json.js';
import type { Common } from './read-response.js';
import type { ExecuteResult } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Upstream calls of one request in flight at once: a split batch is done sooner without a burst. */
const CONCURRENT_CALLS = 4;

/** The warning an answer carries when some of its tokens were estimated (the Gemini API reports none). */
export const ESTIMATED_TOKENS_WARNING =
  'embedding-tokens-estimated: the upstream reports no token usage for embeddings; input tokens are a local estimate';

/** What {@link embedOnCredential} needs for one attempt. */
export interface EmbedArgs {
  executor: Executor;
  credential: Credential;
  /** The executor's dialect for this caller (names the upstream in error context). */
  native: Dialect;
  request: EmbeddingRequest;
  /** The upstream model name. */
  model: string;
  headers: Readonly<Record<string, string>>;
  signal: AbortSignal;
  requestId: string;
  common: Common;
  /** Called with each answer's rate-limit snapshot. */
  onQuota(response: ExecutorResponse): Promise<void>;
}

/**
 * One attempt of an embedding request on one credential: the request split (or joined) into the calls
 * the credential's upstream takes, sent at most {@link CONCURRENT_CALLS} at a time, and the answers
 * joined in the caller's order and shape. Any call's failure fails the attempt (the next attempt starts
 * over on another credential); nothing reaches the caller before every call has answered.
 *
 * @throws {InvalidRequestError} when an input cannot be sent to this upstream (tokens to Gemini).
 */
export async function embedOnCredential(args: EmbedArgs): Promise<{ result: ExecuteResult; usage: Usage }> {
  const { executor, credential, request, model } = args;
  const wire = executor.embeddingWire?.(credential, model);
  if (!wire) {
    throw new InvalidRequestError(`Provider '${credential.provider}' has no embeddings API for '${model}'`, {
      credentialId: credential.id,
    });
  }
  const plan = planEmbeddings(request, wire, model);
  const raw: Uint8Array[] = new Array(plan.calls.length);
  const answers: JsonObject[] = new Array(plan.calls.length);
  const headers: Array<Record<string, string>> = new Array(plan.calls.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < plan.calls.length) {
      const index = next++;
      try {
        const response = await executor.execute({
          credential,
          dialect: args.native,
          operation: 'embed',
          model,
          body: plan.calls[index]!.body,
          stream: false,
          headers: args.headers,
          signal: args.signal,
          requestId: args.requestId,
        });
        await args.onQuota(response);
        headers[index] = response.headers;
        raw[index] = await readAll(response.body);
        answers[index] = parseObject(raw[index]!);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_CALLS, plan.calls.length) }, worker));
  if (failed !== undefined) throw failed;
  const answer = answerEmbeddings(plan, answers, model, headers);
  const usage: Usage = { inputTokens: answer.inputTokens, outputTokens: 0 };
  const warnings = [...args.common.warnings, ...plan.warnings];
  if (answer.estimated) warnings.push(ESTIMATED_TOKENS_WARNING);
  const body = answer.body ? encoder.encode(JSON.stringify(answer.body)) : raw[0]!;
  return {
    usage,
    result: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      stream: false,
      body,
      usage: Promise.resolve(usage),
      ...args.common,
      warnings,
    },
  };
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return concatBytes(chunks, size);
}

function parseObject(bytes: Uint8Array): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new UpstreamError('The upstream answered embeddings with a body that is not JSON', { cause: err });
  }
  if (!isRecord(parsed)) throw new UpstreamError('The upstream answered embeddings with JSON that is not an object');
  return parsed;
}
