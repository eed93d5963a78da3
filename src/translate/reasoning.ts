import type { ReasoningEffort, ReasoningOrigin } from './canonical.js';

/**
 * The one table between thinking budgets (Anthropic `budget_tokens`, Gemini `thinkingBudget`) and
 * efforts (OpenAI `reasoning_effort` / Responses `reasoning.effort`). Documented in docs/translation.md.
 *
 * | effort  | budget tokens |
 * |---------|---------------|
 * | minimal | 512           |
 * | low     | 2048          |
 * | medium  | 8192          |
 * | high    | 24576         |
 * | xhigh   | 32768         |
 *
 * A budget maps to the smallest effort whose budget is at least as large (`1..512` → minimal,
 * `513..2048` → low, ...); `0` means reasoning off (`none`).
 */
export const EFFORT_BUDGETS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = Object.freeze({
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
});

/** The budget for an effort (0 for `none`). */
export function effortToBudget(effort: ReasoningEffort): number {
  return effort === 'none' ? 0 : EFFORT_BUDGETS[effort];
}

/** The effort for a budget; see {@link EFFORT_BUDGETS}. A negative budget (Gemini's `-1`, dynamic) is `medium`. */
export function budgetToEffort(budget: number): ReasoningEffort {
  if (budget === 0) return 'none';
  if (budget < 0) return 'medium';
  if (budget <= EFFORT_BUDGETS.minimal) return 'minimal';
  if (budget <= EFFORT_BUDGETS.low) return 'low';
  if (budget <= EFFORT_BUDGETS.medium) return 'medium';
  if (budget <= EFFORT_BUDGETS.high) return 'high';
  return 'xhigh';
}

const TAG = 'sy1:';

/**
 * Signatures travel through other dialects tagged with the family that produced them, so that a
 * client speaking Anthropic to a Gemini upstream gets back a `signature` that switchyard recognises
 * as Gemini's next turn and never replays to Anthropic. A dialect's own family's signatures stay raw.
 *
 * `tagSignature('gemini', 'abc', 'anthropic')` → `sy1:gemini:abc`; `tagSignature('anthropic', 'abc', 'anthropic')` → `abc`.
 */
export function tagSignature(origin: ReasoningOrigin, signature: string, nativeOrigin: ReasoningOrigin): string {
  return origin === nativeOrigin ? signature : `${TAG}${origin}:${signature}`;
}

/** Reads a signature found in a dialect whose own family is `nativeOrigin`: untagged ones are native. */
export function untagSignature(
  value: string,
  nativeOrigin: ReasoningOrigin,
): { origin: ReasoningOrigin; signature: string } {
  if (value.startsWith(TAG)) {
    const rest = value.slice(TAG.length);
    const colon = rest.indexOf(':');
    const origin = rest.slice(0, colon);
    if (colon > 0 && (origin === 'anthropic' || origin === 'openai' || origin === 'gemini')) {
      return { origin, signature: rest.slice(colon + 1) };
    }
  }
  return { origin: nativeOrigin, signature: value };
}

/**
 * The reasoning family of a provider id: `anthropic`, `openai` (and `codex`), `gemini`; undefined for
 * others (OpenAI-compatible services, the mock), which never get a foreign signature.
 */
export function providerFamily(provider: string | undefined): ReasoningOrigin | undefined {
  // Claude on Bedrock signs its thinking as Claude does: Bedrock verifies those signatures.
  if (provider === 'anthropic' || provider === 'claude' || provider === 'bedrock') return 'anthropic';
  if (provider === 'openai' || provider === 'codex') return 'openai';
  if (provider === 'gemini') return 'gemini';
  return undefined;
}

const SIGNATURE_KEYS: ReadonlySet<string> = new Set([
  'signature',
  'thoughtSignature',
  'thought_signature',
  'encrypted_content',
]);

/**
 * True when a request body holds a signature that switchyard tagged as another family's (it went out
 * through a translated answer). Same-dialect requests pass through untouched unless this is true: then
 * they take the canonical path so the foreign signature is dropped instead of being rejected upstream.
 */
export function hasTaggedSignature(value: unknown, depth = 0): boolean {
  if (depth > 12 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasTaggedSignature(item, depth + 1)) return true;
    return false;
  }
  for (const key in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string') {
      if (SIGNATURE_KEYS.has(key) && v.startsWith(TAG)) return true;
    } else if (typeof v === 'object' && v !== null && hasTaggedSignature(v, depth + 1)) return true;
  }
  return false;
}
