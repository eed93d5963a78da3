import type { UsageRecord } from '../../manager/types.js';
import { roundCost } from './aggregate.js';
import type { UsageSink } from './types.js';

/** A calendar budget period, in UTC. */
export type SpendPeriod = 'day' | 'month';

/** Start of the UTC day or month holding `now`, epoch ms. */
export function periodStart(now: number, period: SpendPeriod): number {
  const d = new Date(now);
  return period === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Start of the period after the one holding `now`, epoch ms (when a spent budget is available again). */
export function periodEnd(now: number, period: SpendPeriod): number {
  const d = new Date(now);
  return period === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * What `principal` (a client key) spent in the current UTC day or month, per currency, read from the
 * ledger itself: the same records the usage API shows, so spend shown and spend enforced agree.
 *
 * @example
 * ```ts
 * const { USD = 0 } = await spendOf(sink, 'key:1a2b3c4d', 'month');
 * ```
 */
export async function spendOf(
  sink: Pick<UsageSink, 'aggregate'>,
  principal: string,
  period: SpendPeriod,
  now: number = Date.now(),
): Promise<Record<string, number>> {
  const [total] = await sink.aggregate({ principal, from: periodStart(now, period), to: periodEnd(now, period) });
  return total?.cost ?? {};
}

/** Options of {@link SpendCounter}. */
export interface SpendCounterOptions {
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

interface PeriodTotals {
  start: number;
  byPrincipal: Map<string, Record<string, number>>;
}

/**
 * Running spend per client key for the current UTC day and month, fed with the same usage records
 * (and so the same `cost` numbers) a sink stores: check a budget synchronously on admission, add each
 * record as it is reported. Seed it from a sink at start ({@link SpendCounter.seed}) so a restart keeps
 * what was spent. In-process: with several instances, seed from the shared PostgreSQL sink and
 * re-seed periodically, or enforce through a shared counter.
 *
 * @example
 * ```ts
 * const spend = new SpendCounter();
 * await spend.seed(sink);
 * manager.addHooks({ onUsage: (r) => spend.add(r) });
 * if ((spend.spent('key:1a2b3c4d', 'day').USD ?? 0) >= 5) refuse();
 * ```
 */
export class SpendCounter {
  readonly #now: () => number;
  readonly #periods: Record<SpendPeriod, PeriodTotals> = {
    day: { start: Number.NaN, byPrincipal: new Map() },
    month: { start: Number.NaN, byPrincipal: new Map() },
  };

  /** Why the spend so far is not known (a seed failed), while it is not. */
  #unknown: string | undefined;

  constructor(options: SpendCounterOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * Set while the spend so far could not be read (the last {@link seed} failed): budgets cannot be
   * enforced, so keys with budgets are refused until a seed succeeds. Undefined otherwise.
   */
  get unknown(): string | undefined {
    return this.#unknown;
  }

  /**
   * Adds the current day's and month's spend per client key as `sink` holds it. When reading fails the
   * counter is {@link unknown} (and the error is rethrown) until a later seed succeeds.
   */
  async seed(sink: Pick<UsageSink, 'aggregate'>): Promise<void> {
    let fresh: SpendCounter;
    try {
      fresh = new SpendCounter({ now: this.#now });
      await fresh.#read(sink);
    } catch (err) {
      this.#unknown = err instanceof Error ? err.message : String(err);
      throw err;
    }
    // What the sink holds, plus what was added here since (records the sink may not have stored yet
    // are counted twice at worst: a budget errs towards refusing).
    for (const period of ['day', 'month'] as const) {
      const totals = this.#current(period, this.#now());
      for (const [principal, spent] of fresh.#current(period, this.#now()).byPrincipal) {
        for (const [currency, amount] of Object.entries(spent)) add(totals, principal, currency, amount);
      }
    }
    this.#unknown = undefined;
  }

  /**
   * Seeds from `sink`, and while that fails tries again every `retryMs` (30 s) in the background, calling
   * `onError` each time; budgeted keys are refused meanwhile. Resolves after the first try. Returns a
   * function that stops retrying.
   */
  async seedUntilKnown(
    sink: Pick<UsageSink, 'aggregate'>,
    options: { retryMs?: number; onError?: (err: Error) => void } = {},
  ): Promise<() => void> {
    let timer: NodeJS.Timeout | undefined;
    const attempt = () =>
      this.seed(sink).then(
        () => true,
        (err: unknown) => {
          options.onError?.(err instanceof Error ? err : new Error(String(err)));
          return false;
        },
      );
    if (!(await attempt())) {
      let busy = false;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void attempt().then((ok) => {
          busy = false;
          if (ok) clearInterval(timer);
        });
      }, options.retryMs ?? 30_000);
      timer.unref();
    }
    return () => clearInterval(timer);
  }

  async #read(sink: Pick<UsageSink, 'aggregate'>): Promise<void> {
    const now = this.#now();
    for (const period of ['day', 'month'] as const) {
      const totals = this.#current(period, now);
      const groups = await sink.aggregate({
        groupBy: ['principal'],
        from: periodStart(now, period),
        to: periodEnd(now, period),
      });
      for (const g of groups) {
        if (!g.principal) continue;
        for (const [currency, amount] of Object.entries(g.cost)) add(totals, g.principal, currency, amount);
      }
    }
  }

  /** Counts one record's cost for its principal (records without either are ignored). */
  add(record: UsageRecord): void {
    if (!record.principal || !record.cost) return;
    for (const period of ['day', 'month'] as const) {
      const totals = this.#current(period, record.timestamp);
      // A record from a period already over (or not yet started) does not count against this one.
      if (periodStart(record.timestamp, period) !== totals.start) continue;
      add(totals, record.principal, record.cost.currency, record.cost.amount);
    }
  }

  /** What `principal` spent so far in the current UTC day or month, per currency. */
  spent(principal: string, period: SpendPeriod): Record<string, number> {
    return { ...this.#current(period, this.#now()).byPrincipal.get(principal) };
  }

  #current(period: SpendPeriod, at: number): PeriodTotals {
    const totals = this.#periods[period];
    const start = periodStart(Math.max(at, this.#now()), period);
    if (totals.start !== start) {
      totals.start = start;
      totals.byPrincipal = new Map();
    }
    return totals;
  }
}

function add(totals: PeriodTotals, principal: string, currency: string, amount: number): void {
  let spent = totals.byPrincipal.get(principal);
  if (!spent) {
    spent = {};
    totals.byPrincipal.set(principal, spent);
  }
  spent[currency] = roundCost((spent[currency] ?? 0) + amount);
}

/** A client key's spending limit for one UTC day or month, in one currency. */
export interface CostBudget {
  period: SpendPeriod;
  /** Most the key may spend in the period. */
  amount: number;
  /** ISO 4217 code. Default `USD`. */
  currency?: string;
}

/** Which budget a key has used up, as {@link exceededBudget} reports it. */
export interface ExceededBudget {
  budget: CostBudget;
  spent: number;
  /** Until the period ends (when the key may spend again), ms. */
  retryAfterMs: number;
}

/**
 * The first of `budgets` that `principal` has used up (spent at least its amount), or undefined. A
 * request is admitted while something is left: like the token budgets, one expensive request may take
 * the spend past the limit, and the next one is refused.
 *
 * @example
 * ```ts
 * const over = exceededBudget(spend, caller.principal, [{ period: 'day', amount: 5 }]);
 * if (over) refuse(429, `Cost budget used up: ${over.budget.amount} USD per day`, over.retryAfterMs);
 * ```
 */
export function exceededBudget(
  counter: Pick<SpendCounter, 'spent'>,
  principal: string,
  budgets: readonly CostBudget[],
  now: number = Date.now(),
): ExceededBudget | undefined {
  for (const budget of budgets) {
    const spent = counter.spent(principal, budget.period)[budget.currency ?? 'USD'] ?? 0;
    if (spent >= budget.amount) return { budget, spent, retryAfterMs: periodEnd(now, budget.period) - now };
  }
  return undefined;
}
