import type { ProviderMetadata } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The key of this dialect in every `providerMetadata` bag: Anthropic-only fields travel under it. */
export const KEY = 'anthropic-messages' as const;

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
  return fields === undefined ? undefined : { [KEY]: fields };
}

/** This dialect's entry of a `providerMetadata` bag, or an empty object. */
export function ours(metadata: ProviderMetadata | undefined): JsonObject {
  return metadata?.[KEY] ?? {};
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
  const fields = metadata?.[KEY];
  if (fields === undefined) return target;
  for (const key in fields) {
    if (key === '__proto__' || key in target || skip?.has(key)) continue;
    target[key] = fields[key];
  }
  return target;
}

/**
 * Bookkeeping keys this codec writes into `providerMetadata['anthropic-messages']` (not wire fields).
 * On the request: the Anthropic tool types (`web_search`, `bash`, ...) kept for an Anthropic upstream.
 */
export const SERVER_TOOLS_KEY = 'serverTools';
/** On the request: `tool_choice` fields newer than this code. */
export const TOOL_CHOICE_EXTRA_KEY = 'tool_choice_extra';
/** On a message: its content was a one-text-block array rather than a string. */
export const BLOCKS_KEY = 'contentBlocks';
/** On a system message: it stood inside `messages` (the `mid-conversation-system` beta), not in `system`. */
export const IN_PLACE_KEY = 'inPlace';
/** On the request: `user` came from `metadata.user_id` (an Anthropic-only value, dropped elsewhere). */
export const USER_METADATA_KEY = 'userFromMetadata';
