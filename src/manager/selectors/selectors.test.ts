import { describe, expect, it } from 'vitest';
import type { Credential } from '../../core/credential.js';
import { buildPickContext } from '../pick-credential.js';
import { MemoryStateStore } from '../state/memory/memory-state-store.js';
import { FillFirstSelector } from './fill-first.js';
import { LeastInFlightSelector } from './least-in-flight.js';
import { PrioritySelector } from './priority.js';
import { RoundRobinSelector } from './round-robin.js';
import { extractSessionKey } from './session-key.js';
import { StickySelector } from './sticky.js';
import type { PickContext, Selector } from './types.js';
import { WeightedSelector } from './weighted.js';

const creds = (...ids: string[]): Credential[] => ids.map((id) => ({ id, provider: 'mock' }));

/** Drives a selector the way the Manager does: one selection query per pick. */
function driver(
  selector: Selector,
  options: { down?: Set<string>; state?: MemoryStateStore; now?: () => number } = {},
) {
  const state = options.state ?? new MemoryStateStore();
  const down = options.down ?? new Set<string>();
  return async (candidates: readonly Credential[], extra: Partial<PickContext> = {}) => {
    const needs = selector.needs ?? {};
    const sel = state.selection({
      cursorKey: 'k',
      model: 'm',
      now: 0,
      ...(needs.cursor ? { advanceCursor: true } : {}),
      ...(needs.inFlight ? { withInFlight: true } : {}),
    });
    const ctx: PickContext = {
      ...buildPickContext({
        model: 'm',
        key: 'k',
        selection: sel,
        state,
        now: options.now?.() ?? 0,
        excluded: (c) => down.has(c.id),
      }),
      ...extra,
    };
    return (await selector.pick(candidates, ctx))?.id;
  };
}

async function tally(pick: () => Promise<string | undefined>, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = (await pick()) ?? 'none';
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

describe('RoundRobinSelector', () => {
  it('gives every credential k or k+1 of k*n+r picks', async () => {
    const list = creds('a', 'b', 'c');
    const pick = driver(new RoundRobinSelector());
    expect(await tally(() => pick(list), 3 * 7 + 2)).toEqual({ a: 8, b: 8, c: 7 });
  });

  it('skips unavailable credentials and returns undefined when none is left', async () => {
    const down = new Set(['b']);
    const list = creds('a', 'b', 'c');
    const pick = driver(new RoundRobinSelector(), { down });
    const counts = await tally(() => pick(list), 100);
    expect(counts.b).toBeUndefined();
    expect(counts.a! + counts.c!).toBe(100);
    down.add('a').add('c');
    expect(await pick(list)).toBeUndefined();
  });
});

describe('FillFirstSelector', () => {
  it('uses the first available credential until it is out', async () => {
    const down = new Set<string>();
    const list = creds('a', 'b', 'c');
    const pick = driver(new FillFirstSelector(), { down });
    expect(await tally(() => pick(list), 10)).toEqual({ a: 10 });
    down.add('a');
    expect(await tally(() => pick(list), 10)).toEqual({ b: 10 });
  });
});

describe('WeightedSelector', () => {
  it('gives each credential its weight share within 1% over 100,000 picks, and weight 0 nothing', async () => {
    const list: Credential[] = [
      { id: 'a', provider: 'mock', weight: 5 },
      { id: 'b', provider: 'mock', weight: 3 },
      { id: 'c', provider: 'mock', weight: 2 },
      { id: 'z', provider: 'mock', weight: 0 },
    ];
    const pick = driver(new WeightedSelector());
    const counts = await tally(() => pick(list), 100_000);
    expect(counts.z).toBeUndefined();
    expect(Math.abs(counts.a! / 100_000 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(counts.b! / 100_000 - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(counts.c! / 100_000 - 0.2)).toBeLessThan(0.01);
  });

  it('is deterministic and smooth: weights 5,1,1 give a,a,a,a,a,b,c in every cycle of 7, interleaved', async () => {
    const list: Credential[] = [
      { id: 'a', provider: 'mock', weight: 5 },
      { id: 'b', provider: 'mock', weight: 1 },
      { id: 'c', provider: 'mock', weight: 1 },
    ];
    const run = async () => {
      const pick = driver(new WeightedSelector());
      const seq: string[] = [];
      for (let i = 0; i < 70; i++) seq.push((await pick(list))!);
      return seq;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    for (let i = 0; i < 70; i += 7)
      expect(
        first
          .slice(i, i + 7)
          .sort()
          .join(''),
      ).toBe('aaaaabc');
    expect(first.join('')).not.toMatch(/aaaaa/);
  });

  it('skips an unavailable credential without letting it burst when it returns', async () => {
    const down = new Set(['b']);
    const list: Credential[] = [
      { id: 'a', provider: 'mock', weight: 1 },
      { id: 'b', provider: 'mock', weight: 1 },
    ];
    const pick = driver(new WeightedSelector(), { down });
    expect(await tally(() => pick(list), 50)).toEqual({ a: 50 });
    down.clear();
    const seq: string[] = [];
    for (let i = 0; i < 6; i++) seq.push((await pick(list))!);
    expect(seq.join('')).not.toMatch(/bbb/);
  });
});

describe('PrioritySelector', () => {
  it('uses the highest tier with anything available, round-robin inside it', async () => {
    const down = new Set<string>();
    const list: Credential[] = [
      { id: 'low', provider: 'mock', priority: 0 },
      { id: 'h1', provider: 'mock', priority: 10 },
      { id: 'h2', provider: 'mock', priority: 10 },
      { id: 'mid', provider: 'mock', priority: 5 },
    ];
    const pick = driver(new PrioritySelector(new RoundRobinSelector()), { down });
    expect(await tally(() => pick(list), 10)).toEqual({ h1: 5, h2: 5 });
    down.add('h1').add('h2');
    expect(await tally(() => pick(list), 4)).toEqual({ mid: 4 });
    down.add('mid');
    expect(await tally(() => pick(list), 4)).toEqual({ low: 4 });
  });
});

describe('StickySelector', () => {
  it('keeps a session on its credential, moves and rebinds when it is unavailable, forgets after the TTL', async () => {
    const down = new Set<string>();
    const state = new MemoryStateStore();
    let now = 0;
    const list = creds('a', 'b', 'c');
    const pick = driver(new StickySelector(new RoundRobinSelector(), { ttlMs: 1000 }), { down, state, now: () => now });
    const first = await pick(list, { sessionKey: 's1' });
    for (let i = 0; i < 5; i++) expect(await pick(list, { sessionKey: 's1' })).toBe(first);
    // Other sessions still rotate.
    const others = new Set<string | undefined>();
    for (let i = 0; i < 6; i++) others.add(await pick(list, { sessionKey: `other-${i}` }));
    expect(others.size).toBe(3);
    down.add(first!);
    const moved = await pick(list, { sessionKey: 's1' });
    expect(moved).not.toBe(first);
    down.clear();
    expect(await pick(list, { sessionKey: 's1' })).toBe(moved);
    now += 1001;
    expect(state.getBinding('s1', now)).toBeUndefined();
  });

  it('derives session keys from headers, dialect fields, or the conversation', () => {
    expect(extractSessionKey('openai-chat', {}, { 'x-session-id': 'abc' })).toBe('h:abc');
    expect(extractSessionKey('anthropic-messages', { metadata: { user_id: 'u1' } }, {})).toBe('f:u1');
    expect(extractSessionKey('openai-chat', { prompt_cache_key: 'pk' }, {})).toBe('f:pk');
    expect(extractSessionKey('gemini', { cachedContent: 'cachedContents/x' }, {})).toBe('f:cachedContents/x');
    const conv = (first: string) => ({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: first },
        { role: 'assistant', content: 'ok' },
      ],
    });
    const k1 = extractSessionKey('openai-chat', conv('hello'), {});
    expect(k1).toMatch(/^c:/);
    expect(
      extractSessionKey(
        'openai-chat',
        { ...conv('hello'), messages: [...conv('hello').messages, { role: 'user', content: 'more' }] },
        {},
      ),
    ).toBe(k1);
    expect(extractSessionKey('openai-chat', conv('other'), {})).not.toBe(k1);
  });
});

describe('LeastInFlightSelector', () => {
  it('picks the credential with the fewest requests in flight', async () => {
    const state = new MemoryStateStore();
    const list = creds('a', 'b', 'c');
    const pick = driver(new LeastInFlightSelector(), { state });
    state.acquire('a');
    state.acquire('a');
    state.acquire('b');
    state.acquire('c');
    state.acquire('c');
    expect(await pick(list)).toBe('b');
    state.release('a');
    state.release('a');
    expect(await pick(list)).toBe('a');
  });
});
