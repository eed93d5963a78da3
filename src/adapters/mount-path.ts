/**
 * The path relative to a mount prefix, for hosts that keep the mount path in the URL: `/llm/v1/models`
 * under `/llm` is `/v1/models`, and `/llm` itself is `/`. A path outside the prefix (including one that
 * merely starts with the same letters, such as `/llmx`) comes back as is.
 */
export function stripMountPath(path: string, prefix: string | undefined): string {
  if (prefix && path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/')) {
    return path.slice(prefix.length) || '/';
  }
  return path;
}
