import type { CanonicalRequest, CanonicalTool, ToolChoice, TranslationWarning } from '../canonical.js';
import { invalid, isRecord, type JsonObject, obj, str } from '../json.js';
import { applyExtras, extras, SERVER_TOOLS_KEY, TOOL_CHOICE_EXTRA_KEY, toMetadata } from './metadata.js';

const TOOL_KEYS = new Set(['type', 'name', 'description', 'input_schema', 'strict']);
const TOOL_CHOICE_KEYS = new Set(['type', 'name', 'disable_parallel_tool_use']);

/**
 * Anthropic `tools` → canonical tools. Custom (function) tools convert; Anthropic's own tool types
 * (`web_search`, `bash`, `text_editor`, ...) exist nowhere else: they are kept in `meta` for an
 * Anthropic upstream, with `unsupported-tool`.
 *
 * @see https://docs.anthropic.com/en/api/messages#body-tools
 */
export function toolsToCanonical(
  raw: unknown,
  meta: JsonObject,
  warnings: TranslationWarning[],
): CanonicalTool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) invalid('tools', 'must be an array');
  const tools: CanonicalTool[] = [];
  const server: unknown[] = [];
  for (let i = 0; i < raw.length; i++) {
    const tool = raw[i];
    const field = `tools[${i}]`;
    if (!isRecord(tool)) invalid(field, 'must be an object');
    const type = tool.type;
    if (type !== undefined && type !== null && type !== 'custom') {
      // Server and client-side Anthropic tools (web_search, bash, ...) exist nowhere else.
      server.push(tool);
      warnings.push({
        code: 'unsupported-tool',
        message: `${field}: Anthropic tool type '${String(type)}' is kept for Anthropic upstreams only`,
      });
      continue;
    }
    const name = str(tool.name);
    if (name === undefined) invalid(`${field}.name`, 'must be a string');
    const schema = tool.input_schema;
    if (!isRecord(schema)) invalid(`${field}.input_schema`, 'must be an object');
    const out: CanonicalTool = { name, parameters: schema };
    const description = str(tool.description);
    if (description !== undefined) out.description = description;
    if (typeof tool.strict === 'boolean') out.strict = tool.strict;
    const extra = toMetadata(extras(tool, TOOL_KEYS));
    if (extra !== undefined) out.providerMetadata = extra;
    tools.push(out);
  }
  if (server.length > 0) meta[SERVER_TOOLS_KEY] = server;
  return tools;
}

/**
 * Anthropic `tool_choice` → canonical, on `request` (with `disable_parallel_tool_use` as
 * `parallelToolCalls`); fields newer than this code are kept in `meta` for an Anthropic upstream.
 */
export function toolChoiceToCanonical(raw: unknown, request: CanonicalRequest, meta: JsonObject): void {
  if (raw === undefined || raw === null) return;
  if (!isRecord(raw)) invalid('tool_choice', 'must be an object');
  let choice: ToolChoice;
  switch (raw.type) {
    case 'auto':
      choice = { type: 'auto' };
      break;
    case 'any':
      choice = { type: 'required' };
      break;
    case 'none':
      choice = { type: 'none' };
      break;
    case 'tool': {
      const name = str(raw.name);
      if (name === undefined) invalid('tool_choice.name', 'must be a string');
      choice = { type: 'tool', name };
      break;
    }
    default:
      invalid('tool_choice.type', "must be 'auto', 'any', 'tool' or 'none'");
  }
  request.toolChoice = choice;
  if (typeof raw.disable_parallel_tool_use === 'boolean') request.parallelToolCalls = !raw.disable_parallel_tool_use;
  const extra = extras(raw, TOOL_CHOICE_KEYS);
  if (extra !== undefined) meta[TOOL_CHOICE_EXTRA_KEY] = extra;
}

/** Canonical tools (and the kept Anthropic tools) → Anthropic `tools`, or undefined when there are none. */
export function toolsFromCanonical(request: CanonicalRequest, meta: JsonObject): unknown[] | undefined {
  const serverTools = Array.isArray(meta[SERVER_TOOLS_KEY]) ? (meta[SERVER_TOOLS_KEY] as unknown[]) : [];
  if ((request.tools === undefined || request.tools.length === 0) && serverTools.length === 0) return undefined;
  const tools: unknown[] = [];
  for (const tool of request.tools ?? []) {
    const out: JsonObject = { name: tool.name };
    if (tool.description !== undefined) out.description = tool.description;
    out.input_schema = tool.parameters;
    if (tool.strict !== undefined) out.strict = tool.strict;
    tools.push(applyExtras(out, tool.providerMetadata));
  }
  for (const tool of serverTools) tools.push(tool);
  return tools;
}

/**
 * The Anthropic `tool_choice` for a canonical request, or undefined when the default applies. Sent only
 * beside tools (Anthropic rejects it alone).
 */
export function toolChoiceFromCanonical(request: CanonicalRequest, meta: JsonObject): JsonObject | undefined {
  const choice = request.toolChoice;
  let out: JsonObject;
  if (choice === undefined) {
    if (request.parallelToolCalls !== false) return undefined;
    out = { type: 'auto' };
  } else if (choice.type === 'required') out = { type: 'any' };
  else if (choice.type === 'tool') out = { type: 'tool', name: choice.name };
  else out = { type: choice.type };
  // `none` takes no parallel flag; the others say it only when it differs from Anthropic's default.
  if (out.type !== 'none' && request.parallelToolCalls !== undefined) {
    out.disable_parallel_tool_use = !request.parallelToolCalls;
  }
  const extra = obj(meta[TOOL_CHOICE_EXTRA_KEY]);
  if (extra !== undefined) for (const key in extra) if (!(key in out)) out[key] = extra[key];
  return out;
}
