import type { ErrorClassification, UpstreamFailure } from '../base/types.js';

/** Error codes meaning the account is out of money or quota, not merely too fast. */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/**
 * Reads an OpenAI (or OpenAI-compatible) error body, `{ error: { message, type, param, code } }`.
 * `insufficient_quota` arrives as a 429 like a plain rate limit but will not pass with waiting, so it
 * becomes a credential-wide quota exhaustion.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 * @example
 * ```ts
 * parseOpenAIError({ status: 429, headers: {}, json: { error: { code: 'insufficient_quota' } }, text: '', now: 0 });
 * // { kind: 'quota_exhausted', credentialWide: true, message: undefined }
 * ```
 */
export function parseOpenAIError(failure: UpstreamFailure): ErrorClassification {
  const error = openAIErrorObject(failure.json);
  const message = typeof error?.message === 'string' && error.message ? error.message : undefined;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const out: ErrorClassification = message ? { message } : {};
  if ((code && QUOTA_CODES.has(code)) || type === 'insufficient_quota') {
    out.kind = 'quota_exhausted';
    out.credentialWide = true;
  } else if (code === 'model_not_found' || (failure.status === 404 && message && MODEL_MISSING.test(message))) {
    out.kind = 'not_found';
  }
  return out;
}

/**
 * How compatible servers that send no `code` say a model is missing: vLLM ("The model `x` does not
 * exist."), Ollama ("model \"x\" not found, try pulling it first"), OpenRouter ("No endpoints found for x").
 */
const MODEL_MISSING = /\bmodel\b.*\b(not found|does not exist|not exist|unknown)\b|no endpoints found/i;

function openAIErrorObject(json: unknown): Record<string, unknown> | undefined {
  // Some compatible servers answer with an array or a bare { message } instead of { error }.
  const root = Array.isArray(json) ? json[0] : json;
  if (typeof root !== 'object' || root === null) return undefined;
  const error = (root as Record<string, unknown>).error;
  if (typeof error === 'object' && error !== null) return error as Record<string, unknown>;
  if (typeof error === 'string') return { message: error };
  return root as Record<string, unknown>;
}
