/**
 * Gemini's `functionCall.id` is optional and most models leave it out, while every other dialect pairs
 * a tool result with its call by id. Calls without one get an id synthesised from their position, with
 * this prefix so that converting back to Gemini knows not to send it (the model never issued it).
 */
export const SYNTHETIC_PREFIX = 'gemini_call_';

/** True for an id switchyard made up for a Gemini call that had none. */
export function isSyntheticId(id: string): boolean {
  return id.startsWith(SYNTHETIC_PREFIX);
}

/**
 * The id of a call in a request's history: its content and part index, stable for the same history.
 *
 * @example
 * ```ts
 * requestCallId(2, 0); // 'gemini_call_2_0'
 * ```
 */
export function requestCallId(contentIndex: number, partIndex: number): string {
  return `${SYNTHETIC_PREFIX}${contentIndex}_${partIndex}`;
}

/**
 * The id of the `index`-th call of a response. `responseId` (sent by Gemini on every response and stream
 * chunk) keeps ids unique across the turns of a conversation, which Anthropic requires; without one, a
 * hash of the call stands in.
 */
export function responseCallId(responseId: string | undefined, index: number, name: string, args: string): string {
  const base = responseId ? responseId.replace(/[^A-Za-z0-9_-]/g, '') : '';
  return `${SYNTHETIC_PREFIX}${base || fnv(`${name}\u0000${args}`)}_${index}`;
}

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
