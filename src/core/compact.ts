/** Copies the entries of `from` whose value is not undefined onto a new object. */
export function compact<T extends object>(from: T): T {
  const out: Record<string, unknown> = {};
  for (const key in from) if (from[key] !== undefined) out[key] = from[key];
  return out as T;
}
