import type { FromCanonicalOptions } from '../canonical.js';
import { invalid, isRecord, type JsonObject } from '../json.js';

/**
 * True when `targetProvider` stores Responses state itself (first-party OpenAI, or no provider named:
 * a library caller talking to OpenAI), so `item_reference` and `previous_response_id` go as sent.
 */
function storesResponses(to: string, targetProvider: string | undefined): boolean {
  return to === 'openai-responses' && (targetProvider === undefined || targetProvider === 'openai');
}

/**
 * Replaces what a Responses request refers to by id with the items themselves, for upstreams that
 * cannot look them up (every one but first-party OpenAI; another Responses API gets what is not known
 * here as it was sent, since it may have stored it): each `item_reference` input item with the
 * item of that id found earlier in the request's own `input`, else with `options.resolveItem(id)`;
 * `previous_response_id` with `options.resolveResponse(id)`'s items, put ahead of `input`. What neither
 * can resolve, for an upstream of another dialect, throws `InvalidRequestError` naming the field: a
 * reference is never dropped silently.
 * Returns `body` itself when there is nothing to resolve.
 *
 * @example
 * ```ts
 * resolveReferences({ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'anthropic-messages',
 *   { resolveItem: (id) => cache.get(id) });
 * ```
 */
export function resolveReferences(body: JsonObject, to: string, options: FromCanonicalOptions): JsonObject {
  if (storesResponses(to, options.targetProvider)) return body;
  // Another Responses API may have stored what it produced itself: resolve what is known, pass the rest on.
  const lenient = to === 'openai-responses';
  const previous = body.previous_response_id;
  const input = body.input;
  const hasReference = Array.isArray(input) && input.some((item) => isRecord(item) && item.type === 'item_reference');
  if ((previous === undefined || previous === null) && !hasReference) return body;

  const out: JsonObject = { ...body };
  let items: unknown[] = Array.isArray(input)
    ? input
    : typeof input === 'string'
      ? [{ role: 'user', content: input }]
      : [];
  if (hasReference) items = resolveItems(items, options, lenient);
  if (previous !== undefined && previous !== null) {
    if (typeof previous !== 'string') invalid('previous_response_id', 'must be a string');
    const earlier = options.resolveResponse?.(previous);
    if (earlier === undefined && lenient) {
      out.input = items;
      return out;
    }
    if (earlier === undefined) {
      invalid(
        'previous_response_id',
        `refers to response '${previous}', which this upstream did not store and switchyard cannot resolve; send the conversation in 'input' instead`,
      );
    }
    if (!Array.isArray(earlier)) invalid('previous_response_id', `resolved to something other than a list of items`);
    items = [...resolveItems(earlier, options, lenient), ...items];
    delete out.previous_response_id;
  }
  out.input = items;
  return out;
}

function resolveItems(items: readonly unknown[], options: FromCanonicalOptions, lenient: boolean): unknown[] {
  const byId = new Map<string, JsonObject>();
  for (const item of items) {
    if (isRecord(item) && item.type !== 'item_reference' && typeof item.id === 'string') byId.set(item.id, item);
  }
  return items.map((item, i) => {
    if (!isRecord(item) || item.type !== 'item_reference') return item;
    const id = item.id;
    if (typeof id !== 'string') invalid(`input[${i}].id`, 'must be a string');
    const found = byId.get(id) ?? options.resolveItem?.(id);
    if (found === undefined && lenient) return item;
    if (found === undefined) {
      invalid(
        `input[${i}]`,
        `refers to item '${id}', which is not in this request and switchyard cannot resolve; send the item itself`,
      );
    }
    if (!isRecord(found) || found.type === 'item_reference') invalid(`input[${i}]`, `item '${id}' resolved to no item`);
    return found;
  });
}
