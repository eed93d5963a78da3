import type { Logger } from '../../core/logger.js';
import { type Cost, type CostTokens, costOf, type PriceTable } from './price-table.js';

/** At most this many unknown model names are remembered (so each is logged once). */
const MAX_REMEMBERED = 1_000;

/** Prices one finished request for the Manager's usage records. */
export type UsagePricer = (tokens: CostTokens, model: string) => Cost | undefined;

/**
 * A {@link UsagePricer} over `prices` that logs each model it cannot price once, at debug level (an
 * unpriced record carries no cost rather than a guessed one).
 */
export function createUsagePricer(prices: PriceTable, logger: Logger): UsagePricer {
  const unknown = new Set<string>();
  return (tokens, model) => {
    const cost = costOf(tokens, model, prices);
    if (!cost && !unknown.has(model) && unknown.size < MAX_REMEMBERED) {
      unknown.add(model);
      logger.debug({ model }, 'no price for this model: its usage records carry no cost (add it under prices:)');
    }
    return cost;
  };
}
