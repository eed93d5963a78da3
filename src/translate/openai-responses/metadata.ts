import type { ProviderMetadata } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The key of this dialect in every `providerMetadata` bag. */
export const KEY = 'openai-responses';

/** This dialect's entry of a `providerMetadata` bag, or an empty object. */
export function ours(metadata: ProviderMetadata | undefined): JsonObject {
  return metadata?.[KEY] ?? {};
}

/** A `providerMetadata` bag holding `fields` under this dialect, or undefined when there is nothing to keep. */
export function withOurs(fields: JsonObject): ProviderMetadata | undefined {
  for (const key in fields) if (fields[key] !== undefined) return { [KEY]: stripUndefined(fields) };
  return undefined;
}

function stripUndefined(fields: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}
