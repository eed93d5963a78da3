import type { ProviderMetadata } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The key of this dialect in every `providerMetadata` bag: Converse-only fields travel under it. */
export const KEY = 'bedrock-converse' as const;

/** The key of Anthropic's fields: a Converse `cachePoint` is Anthropic's `cache_control` on the block before it. */
export const ANTHROPIC_KEY = 'anthropic-messages' as const;

/** The fields of `source` not in `known`, or undefined when there are none. `__proto__` is never copied. */
export function extras(source: JsonObject, known: ReadonlySet<string>): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key in source) {
    if (known.has(key) || key === '__proto__' || source[key] === undefined) continue;
    if (out === undefined) out = {};
    out[key] = source[key];
  }
  return out;
}

/** This dialect's entry of a `providerMetadata` bag, or an empty object. */
export function ours(metadata: ProviderMetadata | undefined): JsonObject {
  return metadata?.[KEY] ?? {};
}

/** Copies this dialect's fields from `metadata` onto `target` without overwriting what is already set. */
export function applyExtras(target: JsonObject, metadata: ProviderMetadata | undefined): JsonObject {
  const fields = metadata?.[KEY];
  if (fields === undefined) return target;
  for (const key in fields) {
    if (key === '__proto__' || key in target) continue;
    target[key] = fields[key];
  }
  return target;
}

/** True when a part carries Anthropic's `cache_control` (it becomes a Converse `cachePoint` after it). */
export function hasCachePoint(metadata: ProviderMetadata | undefined): boolean {
  return metadata?.[ANTHROPIC_KEY]?.cache_control !== undefined;
}

/** `metadata` with Anthropic's `cache_control: { type: 'ephemeral' }` added (what a `cachePoint` stands for). */
export function withCachePoint(metadata: ProviderMetadata | undefined): ProviderMetadata {
  return {
    ...metadata,
    [ANTHROPIC_KEY]: { ...metadata?.[ANTHROPIC_KEY], cache_control: { type: 'ephemeral' } },
  };
}
