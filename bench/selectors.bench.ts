// Picks 1,000,000 times among 10,000 credentials with each selector, the way the Manager does
// (one selection query on the state store, then the pick), and reports picks per second next to a
// baseline: the same loop with a selector that returns the first candidate.
import {
  type Credential,
  FillFirstSelector,
  LeastInFlightSelector,
  MemoryStateStore,
  type PickContext,
  PrioritySelector,
  RoundRobinSelector,
  type Selector,
  StickySelector,
  WeightedSelector,
} from '../src/index.js';

const N = 10_000;
const PICKS = 1_000_000;

const credentials: Credential[] = Array.from({ length: N }, (_, i) => ({
  id: `cred-${i}`,
  provider: 'mock',
  weight: 1 + (i % 5),
  priority: i % 3 === 0 ? 10 : 0,
}));

const baseline: Selector = { name: 'baseline (first candidate)', pick: (c) => c[0] };

const selectors: Selector[] = [
  baseline,
  new RoundRobinSelector(),
  new FillFirstSelector(),
  new WeightedSelector(),
  new PrioritySelector(new RoundRobinSelector()),
  new StickySelector(new RoundRobinSelector()),
  new LeastInFlightSelector(),
];

async function run(selector: Selector): Promise<number> {
  const state = new MemoryStateStore();
  // A few credentials cooling, as in real traffic.
  for (let i = 0; i < N; i += 97)
    state.setCooldown({ credentialId: `cred-${i}`, model: 'm', until: 1e15, reason: 'rate_limited', strikes: 1 });
  for (let i = 0; i < N; i += 2) state.acquire(`cred-${i}`);
  const needs = selector.needs ?? {};
  const start = performance.now();
  for (let i = 0; i < PICKS; i++) {
    const now = 1_000;
    const sel = state.selection({
      cursorKey: 'rr:m',
      model: 'm',
      now,
      advanceCursor: needs.cursor === true,
      withInFlight: needs.inFlight === true,
    });
    const unavailable = sel.unavailable;
    const ctx: PickContext = {
      model: 'm',
      key: 'rr:m',
      cursor: sel.cursor,
      isAvailable: (c) => {
        const until = unavailable.get(c.id);
        return until === undefined || until <= now;
      },
      state,
      now,
    };
    if (sel.inFlight) ctx.inFlight = sel.inFlight;
    if (needs.session) ctx.sessionKey = `s${i % 1000}`;
    const picked = selector.pick(credentials, ctx);
    if (picked instanceof Promise) await picked;
  }
  return PICKS / ((performance.now() - start) / 1000);
}

export async function benchSelectors(): Promise<Array<{ name: string; picksPerSecond: number; ratio: number }>> {
  const rows: Array<{ name: string; picksPerSecond: number; ratio: number }> = [];
  let base = 0;
  for (const selector of selectors) {
    await run(selector); // warm-up
    const pps = await run(selector);
    if (selector === baseline) base = pps;
    rows.push({ name: selector.name, picksPerSecond: Math.round(pps), ratio: pps / base });
  }
  return rows;
}
