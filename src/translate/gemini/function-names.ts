/**
 * Gemini function names: letters, digits, `_`, `.`, `-`; at most 64 characters; starting with a letter or
 * an underscore (the older, stricter of the documented rules, so every model accepts them).
 * @see https://ai.google.dev/api/caching#FunctionDeclaration
 */
const VALID = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX = 64;

/**
 * Makes a tool name valid for Gemini, deterministically: the same input always gives the same output, so
 * declarations and the tool calls in the history agree without shared state. Valid names are unchanged.
 * Invalid characters become `_`; a name that is too long is cut and given a short hash of the original
 * so two long names with one prefix stay distinct.
 *
 * The mapping is not reversible in general: a Gemini response names the sanitised function. Callers
 * that hold the original request can map names back with {@link restoreFunctionName}.
 *
 * @example
 * ```ts
 * sanitizeFunctionName('github/create issue'); // 'github_create_issue'
 * ```
 */
export function sanitizeFunctionName(name: string): string {
  if (VALID.test(name)) return name;
  let out = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (!/^[A-Za-z_]/.test(out)) out = `_${out}`;
  if (out.length > MAX) out = `${out.slice(0, MAX - 9)}_${hash(name)}`;
  return out;
}

/**
 * The original tool name behind a name Gemini returned, given the names the request declared: the
 * declared name whose sanitised form matches, else `name` unchanged.
 *
 * @example
 * ```ts
 * restoreFunctionName('github_create_issue', ['github/create issue']); // 'github/create issue'
 * ```
 */
export function restoreFunctionName(name: string, declared: readonly string[]): string {
  if (declared.includes(name)) return name;
  for (const original of declared) if (sanitizeFunctionName(original) === name) return original;
  return name;
}

/** FNV-1a, 8 base-36 digits: short, stable and dependency-free. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(8, '0').slice(-8);
}
