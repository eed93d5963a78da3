import type { Logger } from '../core/logger.js';
import { isRecord } from '../translate/json.js';
import type { StateStore } from './state/types.js';

/** Options of the response memory. */
export interface ResponseMemoryOptions {
  /** How long answers are remembered, ms. Default 1 h; 0 turns the memory off. */
  ttlMs?: number;
  /** Entries kept in this process when the state store cannot keep values itself. Default 10 000. */
  maxLocalEntries?: number;
}

type Item = Record<string, unknown>;

/** Synchronous lookups the translator calls (`resolveItem` / `resolveResponse` of its options). */
export interface Resolvers {
  resolveItem(id: string): unknown;
  resolveResponse(id: string): unknown[] | undefined;
}

const ITEM = 'item:';
const RESPONSE = 'resp:';

/**
 * What the gateway answered to Responses callers when the upstream was not a Responses API (the
 * output items and the conversation that led to them), so the follow-ups the AI SDK and the Codex CLI
 * send can be resolved: `item_reference` input items and `previous_response_id` name answers that no
 * upstream stored. Shared through the state store when it can keep values (Redis), else per process.
 */
export class ResponseMemory {
  readonly #state: StateStore;
  readonly #ttlMs: number;
  readonly #logger: Logger;
  readonly #local = new Map<string, { value: string; expires: number }>();
  readonly #maxLocal: number;

  constructor(state: StateStore, logger: Logger, options: ResponseMemoryOptions = {}) {
    this.#state = state;
    this.#logger = logger;
    this.#ttlMs = Math.max(0, options.ttlMs ?? 3_600_000);
    this.#maxLocal = Math.max(1, options.maxLocalEntries ?? 10_000);
  }

  /** Remembers one answer: its output items by id, and the whole conversation under the response id. */
  remember(responseId: string, history: readonly Item[], output: readonly Item[]): void {
    if (this.#ttlMs === 0) return;
    const entries: Array<[string, string]> = [[`${RESPONSE}${responseId}`, JSON.stringify([...history, ...output])]];
    for (const item of output) {
      if (typeof item.id === 'string') entries.push([`${ITEM}${item.id}`, JSON.stringify(item)]);
    }
    for (const [key, value] of entries) {
      if (!this.#state.setValue) {
        this.#setLocal(key, value);
        continue;
      }
      try {
        void Promise.resolve(this.#state.setValue(key, value, this.#ttlMs)).catch((err) => this.#failed(err));
      } catch (err) {
        this.#failed(err);
      }
    }
  }

  /**
   * Fetches what a Responses request refers to by id (its `item_reference` items and its
   * `previous_response_id`) in one read, and hands the translator synchronous resolvers over it. The
   * translator resolves references from the request's own history first, and refuses (400) what neither
   * can resolve. Undefined when the request refers to nothing.
   */
  async lookup(body: Record<string, unknown>): Promise<Resolvers | undefined> {
    const previous = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
    const refs: string[] = [];
    if (Array.isArray(body.input)) {
      for (const item of body.input) if (isReference(item)) refs.push(item.id);
    }
    if (refs.length === 0 && previous === undefined) return undefined;
    const keys = [...refs.map((id) => `${ITEM}${id}`), ...(previous ? [`${RESPONSE}${previous}`] : [])];
    const values = await this.#get(keys);
    const items = new Map<string, unknown>();
    refs.forEach((id, i) => {
      const value = values[i];
      if (value !== undefined) items.set(id, JSON.parse(value));
    });
    const conversation = previous !== undefined ? values[refs.length] : undefined;
    const history = conversation === undefined ? undefined : (JSON.parse(conversation) as unknown[]);
    return {
      resolveItem: (id) => items.get(id),
      resolveResponse: (id) => (id === previous ? history : undefined),
    };
  }

  async #get(keys: string[]): Promise<Array<string | undefined>> {
    if (this.#state.getValues) {
      try {
        return await this.#state.getValues(keys);
      } catch (err) {
        this.#failed(err);
        return keys.map(() => undefined);
      }
    }
    const now = Date.now();
    return keys.map((key) => {
      const entry = this.#local.get(key);
      return entry && entry.expires > now ? entry.value : undefined;
    });
  }

  #setLocal(key: string, value: string): void {
    this.#local.delete(key);
    this.#local.set(key, { value, expires: Date.now() + this.#ttlMs });
    while (this.#local.size > this.#maxLocal) this.#local.delete(this.#local.keys().next().value as string);
  }

  #failed(err: unknown): void {
    this.#logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'remembering an answer failed');
  }
}

/** The conversation a Responses request carries, as input items (a string input is one user message). */
export function inputItems(body: Record<string, unknown>): Item[] {
  const input = body.input;
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  return Array.isArray(input) ? (input.filter(isRecord) as Item[]) : [];
}

function isReference(item: unknown): item is { type: 'item_reference'; id: string } {
  return isRecord(item) && item.type === 'item_reference' && typeof item.id === 'string';
}
