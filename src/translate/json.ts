import { InvalidRequestError } from '../core/errors.js';

/**
 * Small narrowing helpers for reading loosely-typed JSON on the hot path (per request, per stream
 * event), where a schema library would cost more than the conversion itself. Boundaries that face
 * users (the HTTP handler, the config) validate with zod instead.
 */

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a finite number, else undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The value when it is an array, else an empty array. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value when it is an object, else undefined. */
export function obj(value: unknown): JsonObject | undefined {
  return isRecord(value) ? value : undefined;
}

/** Throws the typed `invalid_request` error naming the field at fault. */
export function invalid(field: string, problem: string): never {
  throw new InvalidRequestError(`Invalid request: '${field}' ${problem}`, { param: field });
}

/** Parses JSON text leniently: the value, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Tool-call arguments as an object (for dialects that want one): `{}` for empty or non-object JSON. */
export function argumentsObject(text: string): JsonObject {
  if (text.trim() === '') return {};
  const value = parseJson(text);
  return isRecord(value) ? value : {};
}

export { compact } from '../core/compact.js';
