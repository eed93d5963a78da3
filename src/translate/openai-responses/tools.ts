import type { CanonicalTool, ToolChoice, TranslationWarning } from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, obj, str } from '../json.js';
import { flattenToolName } from '../tool-names.js';
import { requireString } from './content.js';
import { KEY, ours } from './metadata.js';

/**
 * Responses `tools` → canonical tools. Function tools convert; `namespace` tools are flattened (see
 * {@link namespaceToCanonical}); built-in tools (web search, file search, ...) have no counterpart and
 * are kept in `kept.builtinTools` for a Responses upstream, with `unsupported-tool`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */
export function toolsToCanonical(value: unknown, kept: JsonObject, warnings: TranslationWarning[]): CanonicalTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid('tools', 'must be an array');
  const tools: CanonicalTool[] = [];
  const builtin: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    if (!isRecord(tool)) invalid(`tools[${i}]`, 'must be an object');
    if (tool.type === 'namespace') {
      builtin.push(tool);
      tools.push(...namespaceToCanonical(tool, `tools[${i}]`, warnings));
      continue;
    }
    if (tool.type !== 'function') {
      builtin.push(tool);
      warnings.push({
        code: 'unsupported-tool',
        message: `Built-in tool '${String(tool.type)}' is only honoured by an OpenAI Responses upstream`,
      });
      continue;
    }
    const out: CanonicalTool = {
      name: requireString(tool.name, `tools[${i}].name`),
      parameters: obj(tool.parameters) ?? { type: 'object', properties: {} },
    };
    const description = str(tool.description);
    if (description !== undefined) out.description = description;
    if (typeof tool.strict === 'boolean') out.strict = tool.strict;
    tools.push(out);
  }
  if (builtin.length > 0) kept.builtinTools = builtin;
  return tools;
}

/**
 * A `namespace` tool's function tools, flattened (`<namespace>__<name>`, see `flattenToolName`) for the
 * dialects that have no namespaces; each remembers its namespace so a Responses target regroups them.
 * Custom (free-form) tools inside have no counterpart elsewhere: dropped with `unsupported-tool`.
 */
function namespaceToCanonical(tool: JsonObject, field: string, warnings: TranslationWarning[]): CanonicalTool[] {
  const namespace = requireString(tool.name, `${field}.name`);
  const inner = tool.tools;
  if (!Array.isArray(inner)) invalid(`${field}.tools`, 'must be an array');
  const out: CanonicalTool[] = [];
  for (let j = 0; j < inner.length; j++) {
    const fn: unknown = inner[j];
    if (!isRecord(fn)) invalid(`${field}.tools[${j}]`, 'must be an object');
    if (fn.type !== 'function') {
      warnings.push({
        code: 'unsupported-tool',
        message: `Tool '${String(fn.type)}' in namespace '${namespace}' has no counterpart outside OpenAI Responses`,
      });
      continue;
    }
    const name = requireString(fn.name, `${field}.tools[${j}].name`);
    const converted: CanonicalTool = {
      name: flattenToolName(namespace, name),
      parameters: obj(fn.parameters) ?? { type: 'object', properties: {} },
      providerMetadata: { [KEY]: { namespace } },
    };
    const description = str(fn.description) ?? str(tool.description);
    if (description !== undefined) converted.description = description;
    if (typeof fn.strict === 'boolean') converted.strict = fn.strict;
    out.push(converted);
  }
  return out;
}

/** Responses `tool_choice` → canonical; the kinds other dialects lack are kept for OpenAI, `auto` elsewhere. */
export function toolChoiceToCanonical(
  value: unknown,
  kept: JsonObject,
  warnings: TranslationWarning[],
): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (!isRecord(value)) invalid('tool_choice', "must be 'auto', 'none', 'required' or an object");
  if (value.type === 'function') return { type: 'tool', name: requireString(value.name, 'tool_choice.name') };
  // allowed_tools, a built-in tool type, mcp, custom: kept for OpenAI, plain `auto` elsewhere.
  kept.toolChoice = value;
  warnings.push({
    code: 'unsupported-setting',
    message: `tool_choice '${String(value.type)}' is only honoured by an OpenAI Responses upstream; others get 'auto'`,
  });
  return { type: 'auto' };
}

/**
 * Canonical tools → Responses function tools. A tool that came from a `namespace` (same-dialect trip)
 * travels inside it again, restored from `kept.builtinTools` with the built-in tools.
 */
export function toolsFromCanonical(tools: readonly CanonicalTool[], kept: JsonObject, sameDialect: boolean): unknown[] {
  const out: unknown[] = tools
    .filter((tool) => !sameDialect || ours(tool.providerMetadata).namespace === undefined)
    .map((tool) => {
      const fn: JsonObject = { type: 'function', name: tool.name };
      if (tool.description !== undefined) fn.description = tool.description;
      fn.parameters = tool.parameters;
      // Responses makes function tools strict by default, which rejects most schemas written for other APIs.
      if (tool.strict !== undefined || !sameDialect) fn.strict = tool.strict ?? false;
      return fn;
    });
  out.push(...arr(kept.builtinTools));
  return out;
}

/** A canonical tool choice → Responses `tool_choice`. */
export function toolChoiceFromCanonical(choice: ToolChoice): string | JsonObject {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}
