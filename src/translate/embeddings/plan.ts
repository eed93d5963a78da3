import { InvalidRequestError } from '../../core/errors.js';
import type { Dialect } from '../dialect.js';
import type { JsonObject } from '../json.js';
import { estimateTokens } from '../token-count.js';
import { embeddingCallerShape, embeddingUpstreamShape } from './registry.js';
import type { EmbeddingBatchResult, EmbeddingInput, EmbeddingRequest, EmbeddingWire } from './types.js';

/**
 * A caller's embedding body in canonical form.
 *
 * @throws {InvalidRequestError} when the dialect has no embedding API or the body is malformed (naming the field).
 */
export function decodeEmbeddingRequest(dialect: Dialect, body: JsonObject): EmbeddingRequest {
  const caller = embeddingCallerShape(dialect);
  if (!caller) throw new InvalidRequestError(`The ${dialect} dialect has no embedding API`);
  return caller.decodeRequest(body);
}

/** The upstream calls one request takes, in order. */
export interface EmbeddingPlan {
  request: EmbeddingRequest;
  upstream: EmbeddingWire;
  /** One entry per upstream call: its body and how many inputs it carries. */
  calls: Array<{ body: JsonObject; count: number }>;
  /** What the translation had to leave out. */
  warnings: string[];
}

/**
 * Splits (or joins) a request into the calls an upstream of shape `upstream` takes for `model`: at most
 * its batch size each, inputs that cannot share a call apart, the caller's order kept.
 *
 * @throws {InvalidRequestError} when an input cannot be sent to that upstream.
 */
export function planEmbeddings(request: EmbeddingRequest, upstream: EmbeddingWire, model: string): EmbeddingPlan {
  const shape = embeddingUpstreamShape(upstream);
  const warnings = new Set<string>();
  const calls: EmbeddingPlan['calls'] = [];
  for (const batch of splitBatches(request.inputs, shape.maxBatch, shape.batchKey)) {
    const encoded = shape.encodeRequest(batch, request, model);
    for (const warning of encoded.warnings) warnings.add(warning);
    calls.push({ body: encoded.body, count: batch.length });
  }
  return { request, upstream, calls, warnings: [...warnings] };
}

function splitBatches(
  inputs: EmbeddingInput[],
  max: number,
  key: ((input: EmbeddingInput) => string) | undefined,
): EmbeddingInput[][] {
  const batches: EmbeddingInput[][] = [];
  let current: EmbeddingInput[] = [];
  let currentKey: string | undefined;
  for (const input of inputs) {
    const k = key ? key(input) : '';
    if (current.length === max || (current.length > 0 && k !== currentKey)) {
      batches.push(current);
      current = [];
    }
    currentKey = k;
    current.push(input);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The caller's answer to a plan, from the upstream's answers (one per call, in order). */
export interface EmbeddingAnswer {
  /** The answer in the caller's shape; undefined when the upstream's only answer passes through as it came. */
  body: JsonObject | undefined;
  /** Input tokens: what the upstream reported, else the local estimate (see {@link estimateEmbeddingTokens}). */
  inputTokens: number;
  /** True when some call's tokens were estimated because the upstream reports none (Gemini). */
  estimated: boolean;
}

/**
 * Joins the upstream's answers into the caller's, in the caller's order. `model` is the upstream model
 * named in an OpenAI-shaped answer; `headers` are each answer's response headers (lower-case names),
 * for upstreams that report usage there (Bedrock).
 *
 * @throws {UpstreamError} when an answer does not hold one vector per input.
 */
export function answerEmbeddings(
  plan: EmbeddingPlan,
  answers: readonly JsonObject[],
  model: string,
  headers?: ReadonlyArray<Readonly<Record<string, string>> | undefined>,
): EmbeddingAnswer {
  const shape = embeddingUpstreamShape(plan.upstream);
  const { request } = plan;
  const vectors: number[][] = [];
  let inputTokens = 0;
  let estimated = false;
  let offset = 0;
  plan.calls.forEach((call, i) => {
    const result: EmbeddingBatchResult = shape.decodeResponse(answers[i] ?? {}, call.count, headers?.[i]);
    for (const vector of result.vectors) vectors.push(vector);
    if (result.inputTokens !== undefined) inputTokens += result.inputTokens;
    else {
      estimated = true;
      inputTokens += estimateEmbeddingTokens(request.inputs.slice(offset, offset + call.count));
    }
    offset += call.count;
  });
  const passes =
    plan.calls.length === 1 && request.wire === plan.upstream && shape.passesThrough?.(answers[0]!, request);
  if (passes) return { body: undefined, inputTokens, estimated };
  const caller = embeddingCallerShape(request.wire);
  if (!caller) throw new TypeError(`No caller shape '${request.wire}'`);
  return { body: caller.encodeResponse(vectors, request, { model, inputTokens }), inputTokens, estimated };
}

/**
 * Input tokens for upstreams that report none (the Gemini API's embed answers have no usage): token
 * inputs count as they are, text as the local chat token estimate does (about four characters per
 * token, at least one per input). Good to a few tens of percent for English; a price on such a model
 * is charged on this estimate.
 */
export function estimateEmbeddingTokens(inputs: readonly EmbeddingInput[]): number {
  let total = 0;
  for (const input of inputs) total += input.tokens ? input.tokens.length : estimateTokens({ text: input.text ?? '' });
  return total;
}
