/**
 * What a translation takes from outside: the current time and fresh ids, for values an answer must
 * carry that its source did not give (the `created` of a Chat completion built from an Anthropic
 * answer, the `created_at` of a Responses stream, the id of an Anthropic message whose source stream
 * had none). The caller injects them, as the Vercel AI SDK injects `generateId` and the current date,
 * so the same input always translates to the same output under a fixed clock and id generator.
 *
 * @example
 * ```ts
 * let n = 0;
 * const context: TranslationContext = { now: () => 1_700_000_000_000, generateId: (prefix) => `${prefix}${++n}` };
 * translateResponse({ from: 'anthropic-messages', to: 'openai-chat', body, ...context }).value.created; // 1700000000
 * ```
 */
export interface TranslationContext {
  /** The current time, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /**
   * A fresh id beginning with `prefix` (`chatcmpl-`, `msg_`). Default: the prefix and a random UUID,
   * or 24 random hex digits after a prefix ending in `_` (the shape of Anthropic's ids).
   */
  generateId?: (prefix: string) => string;
}

/** A {@link TranslationContext} with both members set. */
export type ResolvedTranslationContext = Required<TranslationContext>;

/** The default id generator: see {@link TranslationContext.generateId}. */
function generateId(prefix: string): string {
  const uuid = globalThis.crypto.randomUUID();
  return prefix.endsWith('_') ? `${prefix}${uuid.replace(/-/g, '').slice(0, 24)}` : `${prefix}${uuid}`;
}

const DEFAULTS: ResolvedTranslationContext = Object.freeze({ now: () => Date.now(), generateId });

/**
 * The context with the defaults (`Date.now`, random ids) for what the caller left out: the one place
 * the request, response and stream converters reach the system clock or a random source. (Retry hints
 * in upstream error headers are still timed against `Date.now`.)
 */
export function resolveContext(context?: TranslationContext): ResolvedTranslationContext {
  if (context === undefined) return DEFAULTS;
  const { now, generateId: ids } = context;
  if (now !== undefined && ids !== undefined) return { now, generateId: ids };
  return { now: now ?? DEFAULTS.now, generateId: ids ?? DEFAULTS.generateId };
}

/** `now()` as epoch seconds (the unit of Chat's `created` and Responses' `created_at`). */
export function nowSeconds(context: ResolvedTranslationContext): number {
  return Math.floor(context.now() / 1000);
}
