import type { ProviderMetadata, TextPart } from '../canonical.js';
import type { JsonObject } from '../json.js';

/** The key of this dialect in every `providerMetadata` bag. */
export const KEY = 'openai-chat';

/** This dialect's entry of a `providerMetadata` bag, or an empty object. */
export function ours(metadata: ProviderMetadata | undefined): JsonObject {
  return metadata?.[KEY] ?? {};
}

/** A `providerMetadata` bag holding `fields` under this dialect, or undefined when `fields` is empty. */
export function toMetadata(fields: JsonObject): ProviderMetadata | undefined {
  for (const _ in fields) return { [KEY]: fields };
  return undefined;
}

/** A text part that came from an OpenAI `refusal` (canonically text, marked so it goes back as one). */
export function refusalPart(text: string): TextPart {
  return { type: 'text', text, providerMetadata: { [KEY]: { refusal: true } } };
}

/** True for text that came from an OpenAI `refusal`. */
export function isRefusal(part: TextPart): boolean {
  return ours(part.providerMetadata).refusal === true;
}
