/**
 * Compiles a pattern with `*` wildcards (`gpt-4*`, `*-preview`, `claude-*-4-5`) into a matcher.
 * Matching is case-insensitive; a pattern without `*` matches exactly. Credential model exclusions and
 * client-key model allow-lists both match through it, so the two read a pattern the same way.
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
