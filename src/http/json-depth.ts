/**
 * Nesting limits for request bodies. A body nested thousands of levels deep fits well under the size
 * limit, parses, and then makes every later recursive step (our own `JSON.stringify`, the translators)
 * throw `RangeError`; refusing it at the door keeps that fault away from the credentials.
 */

/**
 * True when a parsed value nests objects and arrays deeper than `maxDepth` (`{}` is depth 1). Used on
 * every body, whether we parsed it (`JSON.parse` itself copes with any depth) or a framework did
 * (`express.json()`). Walks with an explicit stack, so a deep value cannot overflow the call stack
 * here; its cost follows the number of containers, not the bytes, so long prompts cost nothing (measured
 * faster than a linear scan of the text that skips strings, on small, long and tool-heavy bodies).
 */
export function valueTooDeep(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Pairs of (container, its depth) on one stack.
  const stack: unknown[] = [value, 1];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const current = stack.pop() as object;
    if (depth > maxDepth) return true;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const child: unknown = current[i];
        if (typeof child === 'object' && child !== null) stack.push(child, depth + 1);
      }
    } else {
      for (const key in current) {
        const child: unknown = (current as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) stack.push(child, depth + 1);
      }
    }
  }
  return false;
}
