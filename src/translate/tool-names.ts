import type { ProviderMetadata } from './canonical.js';
import { sanitizeFunctionName } from './gemini/function-names.js';

/**
 * Tools of a Responses `namespace` tool travel to other dialects as plain functions named
 * `<namespace>__<name>` (a namespace already ending in `_` gets no second separator: Codex's MCP
 * namespaces look like `mcp__server__`). `_` is the only separator every dialect allows in a name
 * (Anthropic and OpenAI: `[a-zA-Z0-9_-]`).
 *
 * @example
 * ```ts
 * flattenToolName('crm', 'lookup'); // 'crm__lookup'
 * flattenToolName('mcp__github__', 'create_issue'); // 'mcp__github__create_issue'
 * ```
 */
export function flattenToolName(namespace: string, name: string): string {
  if (namespace.endsWith('__')) return `${namespace}${name}`;
  return namespace.endsWith('_') ? `${namespace}_${name}` : `${namespace}__${name}`;
}

/** Separates namespace and name in the entries {@link requestToolNames} lists for namespaced tools. */
const MARK = '\u001f';

/** The entry of a namespaced tool in a list of declared tool names. */
export function declaredNamespacedTool(namespace: string, name: string): string {
  return `${namespace}${MARK}${name}`;
}

/** A tool call's name as the caller declared it, with its namespace when it had one. */
export interface RestoredToolName {
  name: string;
  /** Carried as `providerMetadata['openai-responses'].namespace` on the tool call. */
  providerMetadata?: ProviderMetadata;
}

/**
 * The declared tool behind a name an upstream answered with: the declared name itself, the name after
 * Gemini's sanitising, or the flattened name of a namespaced tool (which comes back split, with its
 * namespace). Unknown names come back unchanged.
 *
 * @example
 * ```ts
 * restoreToolName('crm__lookup', [declaredNamespacedTool('crm', 'lookup')]);
 * // { name: 'lookup', providerMetadata: { 'openai-responses': { namespace: 'crm' } } }
 * ```
 */
export function restoreToolName(name: string, declared: readonly string[]): RestoredToolName {
  for (const entry of declared) {
    const mark = entry.indexOf(MARK);
    if (mark < 0) {
      if (entry === name || sanitizeFunctionName(entry) === name) return { name: entry };
      continue;
    }
    const namespace = entry.slice(0, mark);
    const local = entry.slice(mark + 1);
    const flat = flattenToolName(namespace, local);
    if (flat === name || sanitizeFunctionName(flat) === name) {
      return { name: local, providerMetadata: { 'openai-responses': { namespace } } };
    }
  }
  return { name };
}

/** True when some declared tool has a namespace (only then do answers need restoring outside Gemini). */
export function hasNamespacedTools(declared: readonly string[] | undefined): boolean {
  return declared?.some((entry) => entry.includes(MARK)) ?? false;
}
