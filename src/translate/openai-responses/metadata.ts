import type { ProviderMetadata } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The key of this dialect in every `providerMetadata` bag. */
export const KEY = 'openai-responses';

/**
 * Request fields with no canonical counterpart, kept in `providerMetadata['openai-responses']` so a
 * same-dialect trip restores them. Most are about state or billing at OpenAI and mean nothing elsewhere.
 */
export const KEPT_REQUEST_FIELDS = [
  'previous_response_id',
  'conversation',
  'store',
  'include',
  'truncation',
  'prompt_cache_key',
  'prompt_cache_retention',
  'metadata',
  'service_tier',
  'background',
  'prompt',
  'top_logprobs',
  'max_tool_calls',
  'stream_options',
  'safety_identifier',
  'client_metadata',
] as const;

/** This dialect's entry of a `providerMetadata` bag, or an empty object. */
export function ours(metadata: ProviderMetadata | undefined): JsonObject {
  return metadata?.[KEY] ?? {};
}

/** A `providerMetadata` bag holding `fields` under this dialect, or undefined when there is nothing to keep. */
export function toMetadata(fields: JsonObject): ProviderMetadata | undefined {
  for (const key in fields) if (fields[key] !== undefined) return { [KEY]: stripUndefined(fields) };
  return undefined;
}

function stripUndefined(fields: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}
