import type { Credential } from '../../core/credential.js';
import type { PickContext, Selector } from './types.js';

interface Entry {
  credential: Credential;
  /** Virtual time at which this entry is next due. */
  pass: number;
  /** Virtual time added per pick: inversely proportional to the weight. */
  stride: number;
  /** Insertion order, to break ties deterministically. */
  order: number;
}

interface Schedule {
  candidates: readonly Credential[];
  heap: Entry[];
}

/**
 * Smooth weighted round-robin: each credential gets picks in proportion to its `weight` (default 1;
 * 0 excludes it), interleaved rather than in bursts, deterministically. It is implemented as stride
 * scheduling over a binary heap, which spreads picks the way nginx's smooth weighted round-robin does
 * but costs O(log n) per pick instead of O(n), so it stays fast with thousands of credentials.
 * A credential that is unavailable is skipped without banking credit: when it returns it does not get a burst.
 *
 * State is per process and per (provider, model) key.
 *
 * @example
 * ```ts
 * // a gets 3 of every 4 picks, b gets 1
 * new Manager({ selector: new WeightedSelector(), credentials: [
 *   { id: 'a', provider: 'openai', weight: 3 }, { id: 'b', provider: 'openai', weight: 1 } ], executors });
 * ```
 */
export class WeightedSelector implements Selector {
  readonly name = 'weighted';
  readonly #schedules = new Map<string, Schedule>();

  pick(candidates: readonly Credential[], ctx: PickContext): Credential | undefined {
    let schedule = this.#schedules.get(ctx.key);
    if (!schedule || schedule.candidates !== candidates) {
      schedule = build(candidates);
      this.#schedules.set(ctx.key, schedule);
    }
    const heap = schedule.heap;
    const skipped: Entry[] = [];
    let picked: Entry | undefined;
    while (heap.length > 0) {
      const top = pop(heap);
      if (ctx.isAvailable(top.credential)) {
        picked = top;
        break;
      }
      skipped.push(top);
    }
    // A skipped entry loses its turn as if it had been picked: no credit piles up while it is out (no burst
    // when it returns), and it comes up again only once per its own cycle, so a pick stays O(log n) even
    // while many credentials are cooling.
    for (const e of skipped) {
      e.pass += e.stride;
      push(heap, e);
    }
    if (!picked) return undefined;
    picked.pass += picked.stride;
    push(heap, picked);
    return picked.credential;
  }
}

function build(candidates: readonly Credential[]): Schedule {
  const heap: Entry[] = [];
  const weighted = candidates.filter((c) => (c.weight ?? 1) > 0);
  let order = 0;
  for (const credential of weighted) {
    const stride = 1 / (credential.weight ?? 1);
    // Staggered start offsets spread equal-weight credentials over the cycle instead of bunching them.
    push(heap, { credential, pass: (stride * (order + 0.5)) / weighted.length, stride, order: order++ });
  }
  return { candidates, heap };
}

function less(a: Entry, b: Entry): boolean {
  return a.pass < b.pass || (a.pass === b.pass && a.order < b.order);
}

function push(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Entry[]): Entry {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
