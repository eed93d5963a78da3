import type { Credential } from '../../core/credential.js';
import type { PickContext, Selector, SelectorNeeds } from './types.js';

/** Options of {@link StickySelector}. */
export interface StickySelectorOptions {
  /** How long a binding lives after its last use, ms. Default 1 hour. */
  ttlMs?: number;
}

/**
 * Session affinity: requests with the same session key keep their credential while it is available,
 * which keeps the provider's prompt cache warm. When the bound credential is cooling or gone, the wrapped
 * selector picks another and the session is rebound to it. Bindings live in the {@link StateStore} and
 * expire after `ttlMs` without use.
 *
 * The session key comes from, in order: an explicit header (`x-session-id`, `session_id`,
 * `x-claude-code-session-id`, `x-client-request-id`), Anthropic `metadata.user_id`, OpenAI
 * `prompt_cache_key` / `user` / `conversation`, Gemini `cachedContent`; else a hash of the system prompt and
 * the first user message.
 *
 * @example
 * ```ts
 * new Manager({ selector: new StickySelector(new RoundRobinSelector(), { ttlMs: 30 * 60_000 }), executors, credentials });
 * ```
 */
export class StickySelector implements Selector {
  readonly name: string;
  readonly needs: SelectorNeeds;
  readonly #inner: Selector;
  readonly #ttlMs: number;
  readonly #byId = new WeakMap<readonly Credential[], Map<string, Credential>>();

  constructor(inner: Selector, options: StickySelectorOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.name = `sticky(${inner.name})`;
    this.needs = { ...inner.needs, session: true };
  }

  async pick(candidates: readonly Credential[], ctx: PickContext): Promise<Credential | undefined> {
    const key = ctx.sessionKey;
    if (key === undefined) return this.#inner.pick(candidates, ctx);
    const boundId = await ctx.state.getBinding(key, ctx.now);
    if (boundId !== undefined) {
      const bound = this.#index(candidates).get(boundId);
      if (bound && ctx.isAvailable(bound)) {
        await ctx.state.setBinding(key, bound.id, this.#ttlMs, ctx.now);
        return bound;
      }
    }
    const picked = await this.#inner.pick(candidates, ctx);
    if (picked) await ctx.state.setBinding(key, picked.id, this.#ttlMs, ctx.now);
    return picked;
  }

  #index(candidates: readonly Credential[]): Map<string, Credential> {
    let map = this.#byId.get(candidates);
    if (!map) {
      map = new Map(candidates.map((c) => [c.id, c]));
      this.#byId.set(candidates, map);
    }
    return map;
  }
}
