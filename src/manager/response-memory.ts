import { InvalidRequestError } from '../core/errors.js';
import type { Dialect } from '../translate/dialect.js';
import type { Logger } from './logger.js';
import type { StateStore } from './state/types.js';

/** Options of {@link ResponseMemory}. */
export interface ResponseMemoryOptions {
  /** How long answers are remembered, ms. Default 1 h; 0 turns the memory off. */
  ttlMs?: number;
  /** Entries kept in this process when the state store cannot keep values itself. Default 10 000. */
  maxLocalEntries?: number;
}

type Item = Record<string, unknown>;

const ITEM = 'item:';
const RESPONSE = 'resp:';

/**
 * What the gateway answered to Responses callers when the upstream was not a Responses API (the
 * output items and the conversation that led to them), so the follow-ups the AI SDK and the Codex CLI
 * send can be resolved here: `item_reference` input items and `previous_response_id` name answers that
 * no upstream stored. Shared through the state store when it can keep values (Redis), else per process.
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
   * The request with what this memory can resolve filled in, for an upstream that speaks `native`:
   * `item_reference` items replaced by the items they name, and a `previous_response_id` this gateway
   * produced replaced by the conversation it stands for. What it cannot resolve stays as it is when the
   * upstream is a Responses API itself (it may have stored it); otherwise it is refused with a 400.
   * Returns the body unchanged (the same object) when there is nothing to resolve.
   */
  async resolve(body: Record<string, unknown>, native: Dialect): Promise<Record<string, unknown>> {
    const input = Array.isArray(body.input) ? (body.input as unknown[]) : undefined;
    const previous = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
    const refs: string[] = [];
    for (const item of input ?? []) {
      if (isReference(item)) refs.push(item.id);
    }
    if (refs.length === 0 && previous === undefined) return body;
    const keys = [...refs.map((id) => `${ITEM}${id}`), ...(previous ? [`${RESPONSE}${previous}`] : [])];
    const values = await this.#get(keys);
    const found = new Map<string, Item>();
    refs.forEach((id, i) => {
      const value = values[i];
      if (value !== undefined) found.set(id, JSON.parse(value) as Item);
    });
    // The request's own history holds items it refers to, too (an earlier turn sent in full).
    for (const item of input ?? []) {
      if (isObject(item) && !isReference(item) && typeof item.id === 'string' && !found.has(item.id)) {
        found.set(item.id, item);
      }
    }
    const responsesUpstream = native === 'openai-responses';
    let history: Item[] | undefined;
    if (previous !== undefined) {
      const value = values[refs.length];
      if (value !== undefined) history = JSON.parse(value) as Item[];
      else if (!responsesUpstream) {
        throw new InvalidRequestError(
          `previous_response_id '${previous}' is unknown to this gateway (it keeps answers for ${Math.round(this.#ttlMs / 60_000)} min) and the upstream does not store responses: send the conversation as input items instead`,
          { param: 'previous_response_id' },
        );
      }
    }
    const resolved: unknown[] = [];
    let changed = history !== undefined;
    for (const item of input ?? []) {
      if (!isReference(item)) {
        resolved.push(item);
        continue;
      }
      const target = found.get(item.id);
      if (target) {
        resolved.push(target);
        changed = true;
      } else if (responsesUpstream) resolved.push(item);
      else {
        throw new InvalidRequestError(
          `input item_reference '${item.id}' names an item this gateway does not know (it keeps answers for ${Math.round(this.#ttlMs / 60_000)} min) and the upstream cannot resolve it: send the item itself`,
          { param: 'input' },
        );
      }
    }
    if (!changed) return body;
    const current = input ? resolved : inputItems(body);
    const out: Record<string, unknown> = { ...body, input: [...(history ?? []), ...current] };
    if (history !== undefined) delete out.previous_response_id;
    return out;
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
  return Array.isArray(input) ? (input.filter(isObject) as Item[]) : [];
}

function isReference(item: unknown): item is { type: 'item_reference'; id: string } {
  return isObject(item) && item.type === 'item_reference' && typeof item.id === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
