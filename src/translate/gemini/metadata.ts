import type { ProviderMetadata } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The key of this dialect in every `providerMetadata` bag. */
export const KEY = 'gemini';

/** This dialect's entry of a `providerMetadata` bag, or an empty object. */
export function ours(metadata: ProviderMetadata | undefined): JsonObject {
  return metadata?.[KEY] ?? {};
}
