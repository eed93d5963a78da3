import type { ProviderMetadata } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The dialect key under which Anthropic-only fields travel in `providerMetadata`. */
export const DIALECT = 'anthropic-messages' as const;

/**
 * The fields of `source` not in `known`, or undefined when there are none. They ride in
 * `providerMetadata['anthropic-messages']` so a trip back to Anthropic restores them (`cache_control`,
 * `citations`, fields newer than this code, ...). `__proto__` is never copied: it would set a prototype.
 */
export function extras(source: JsonObject, known: ReadonlySet<string>): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key in source) {
    if (known.has(key) || key === '__proto__' || source[key] === undefined) continue;
    if (out === undefined) out = {};
    out[key] = source[key];
  }
  return out;
}

/** `providerMetadata` holding `fields` for this dialect, or undefined when there are none. */
export function toMetadata(fields: JsonObject | undefined): ProviderMetadata | undefined {
  return fields === undefined ? undefined : { [DIALECT]: fields };
}

/** This dialect's fields of a `providerMetadata` bag. */
export function fromMetadata(metadata: ProviderMetadata | undefined): JsonObject | undefined {
  return metadata?.[DIALECT];
}

/**
 * Copies this dialect's fields from `metadata` onto `target` without overwriting what the converter
 * already set (the converter's mapping of canonical fields wins). `skip` names our own bookkeeping keys.
 */
export function applyExtras(
  target: JsonObject,
  metadata: ProviderMetadata | undefined,
  skip?: ReadonlySet<string>,
): JsonObject {
  const fields = metadata?.[DIALECT];
  if (fields === undefined) return target;
  for (const key in fields) {
    if (key === '__proto__' || key in target || skip?.has(key)) continue;
    target[key] = fields[key];
  }
  return target;
}
