import type { JsonObject } from '../json.js';

const snakeCache = new Map<string, string>();

/**
 * Reads a field by its camelCase name or its snake_case twin: Google's JSON parser accepts both, and the
 * REST examples in Google's docs use snake_case (`system_instruction`, `inline_data`, `mime_type`).
 * Only structural fields are read this way, never keys inside `args`, `response` or a schema's
 * `properties`, which are user data.
 */
export function get(o: JsonObject, camel: string): unknown {
  const value = o[camel];
  if (value !== undefined) return value;
  let snake = snakeCache.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeCache.set(camel, snake);
  }
  return snake === camel ? undefined : o[snake];
}

/** The camelCase form of a field name (`system_instruction` → `systemInstruction`). */
export function camel(name: string): string {
  return name.includes('_') ? name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : name;
}
