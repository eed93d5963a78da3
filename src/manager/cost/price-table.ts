import shipped from './prices.json' with { type: 'json' };

/**
 * What one model costs, per million tokens, in `currency`. `cachedInput`, `cacheWrite` and `reasoning`
 * are optional: a token kind without its own rate is charged at the base rate it belongs to (cache reads
 * and writes at `input`, reasoning at `output`), which is how providers bill kinds they do not discount.
 */
export interface ModelPrice {
  /** Uncached input tokens. */
  input: number;
  /** Output tokens (reasoning included unless `reasoning` is set). */
  output: number;
  /** Input tokens read from the provider's prompt cache. Default: `input`. */
  cachedInput?: number;
  /** Input tokens written to the provider's prompt cache. Default: `input`. */
  cacheWrite?: number;
  /** Reasoning/thinking tokens. Default: `output`. */
  reasoning?: number;
  /** ISO 4217 code, e.g. `USD`. */
  currency: string;
  /** Other names of the same model (e.g. `claude-sonnet-4-0` for `claude-sonnet-4`). */
  aliases?: readonly string[];
  /** The page the price was read from. */
  source?: string;
  /** The day the price was read (YYYY-MM-DD). */
  date?: string;
  /** Where the price was read when `source` itself could not be: a dated public transcription of it. */
  via?: string;
}

/** Prices by model name. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The cost of one request. */
export interface Cost {
  amount: number;
  /** ISO 4217 code of `amount`. */
  currency: string;
}

/** The token counts a cost is computed from, as a usage record carries them. */
export interface CostTokens {
  /** All input tokens, cache reads and writes included. */
  promptTokens: number;
  /** All output tokens, reasoning included. */
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/**
 * The price table shipped with switchyard: Anthropic's, OpenAI's and Gemini's current models, from the
 * providers' public price pages (each entry names its `source`, the `date` it was read and, where the page
 * was read through a transcription, `via`). Override or extend it with the Manager's `prices` option or
 * the config's `prices:` section.
 */
export const DEFAULT_PRICES: PriceTable = shipped.models as PriceTable;

const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;
const indexes = new WeakMap<PriceTable, Map<string, ModelPrice>>();

function indexOf(prices: PriceTable): Map<string, ModelPrice> {
  let index = indexes.get(prices);
  if (!index) {
    index = new Map();
    for (const price of Object.values(prices)) {
      for (const alias of price.aliases ?? []) if (!index.has(alias)) index.set(alias, price);
    }
    // Names win over aliases.
    for (const [name, price] of Object.entries(prices)) index.set(name, price);
    indexes.set(prices, index);
  }
  return index;
}

/**
 * The price of `model`: an entry (or alias) of exactly that name; else, for an upstream's dated
 * snapshot, the name without its date suffix (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`,
 * `gpt-4o-2024-08-06` → `gpt-4o`). Nothing else is tried: an unknown model has no price, never a guess.
 *
 * @example
 * ```ts
 * findPrice('claude-haiku-4-5-20251001', DEFAULT_PRICES)?.input; // 1
 * ```
 */
export function findPrice(model: string, prices: PriceTable): ModelPrice | undefined {
  const index = indexOf(prices);
  const exact = index.get(model);
  if (exact) return exact;
  const undated = model.replace(DATE_SUFFIX, '');
  return undated === model ? undefined : index.get(undated);
}

/**
 * What a request cost: uncached input (`promptTokens` less cache reads and writes) at `input`, cache
 * reads at `cachedInput`, cache writes at `cacheWrite`, non-reasoning output at `output`, reasoning at
 * `reasoning`. Undefined when the model has no price.
 *
 * @example
 * ```ts
 * costOf({ promptTokens: 1000, completionTokens: 200, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
 *   'claude-sonnet-4-5', DEFAULT_PRICES); // { amount: 0.006, currency: 'USD' }
 * ```
 */
export function costOf(tokens: CostTokens, model: string, prices: PriceTable): Cost | undefined {
  const price = findPrice(model, prices);
  if (!price) return undefined;
  const cached = Math.max(0, tokens.cachedTokens);
  const written = Math.max(0, tokens.cacheWriteTokens);
  const reasoning = Math.max(0, Math.min(tokens.reasoningTokens, tokens.completionTokens));
  const uncached = Math.max(0, tokens.promptTokens - cached - written);
  const micros =
    uncached * price.input +
    cached * (price.cachedInput ?? price.input) +
    written * (price.cacheWrite ?? price.input) +
    (tokens.completionTokens - reasoning) * price.output +
    reasoning * (price.reasoning ?? price.output);
  return { amount: round(micros / 1_000_000), currency: price.currency };
}

/** Rounds away binary noise (0.1 + 0.2) while keeping sub-micro-dollar amounts. */
function round(amount: number): number {
  return Math.round(amount * 1e12) / 1e12;
}

/**
 * A table with `overrides` applied: a model already in `base` keeps the fields an override leaves out;
 * a new model needs at least `input` and `output` (currency defaults to USD).
 *
 * @throws {Error} for a new model without `input` or `output`, or a negative or non-finite rate.
 */
export function mergePrices(base: PriceTable, overrides: Readonly<Record<string, Partial<ModelPrice>>>): PriceTable {
  const out: Record<string, ModelPrice> = { ...base };
  for (const [model, override] of Object.entries(overrides)) {
    const merged = { currency: 'USD', ...base[model], ...override } as ModelPrice;
    if (merged.input === undefined || merged.output === undefined) {
      throw new Error(`price of '${model}': a model not in the shipped table needs 'input' and 'output'`);
    }
    for (const key of ['input', 'output', 'cachedInput', 'cacheWrite', 'reasoning'] as const) {
      const value = merged[key];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
        throw new Error(`price of '${model}': '${key}' must be a number of at least 0, got ${String(value)}`);
      }
    }
    out[model] = merged;
  }
  return out;
}
