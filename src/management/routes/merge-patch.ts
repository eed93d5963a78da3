/** `current` with the fields of `patch` set, and those `patch` sets to `null` removed (a JSON merge patch, one level deep). */
export function mergePatch<T extends object>(current: T, patch: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next;
}
