/**
 * Compiles a pattern with `*` wildcards (`gpt-4*`, `*-preview`, `claude-*-4-5`) into a matcher.
 * Matching is case-insensitive; a pattern without `*` matches exactly.
 */
export function compileWildcard(pattern: string): (value: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!lower.includes('*')) return (value) => value.toLowerCase() === lower;
  const source = lower
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return (value) => re.test(value.toLowerCase());
}

/** True when `value` matches any of the wildcard patterns. */
export function matchesAny(patterns: readonly string[] | undefined, value: string): boolean {
  if (!patterns || patterns.length === 0) return false;
  return patterns.some((p) => compileWildcard(p)(value));
}
