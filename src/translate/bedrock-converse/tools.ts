import type { CanonicalTool, ToolChoice, TranslationWarning } from '../canonical.js';
import { isRecord, type JsonObject, obj, str } from '../json.js';
import { hasCachePoint, withCachePoint } from './metadata.js';

/**
 * Converse `toolConfig` → canonical tools and tool choice. `{ toolSpec: { name, description,
 * inputSchema: { json } } }` is a function tool; a `cachePoint` entry marks the tool before it (Anthropic
 * `cache_control`); `toolChoice` `{ auto: {} }`, `{ any: {} }` (some tool must be called) and
 * `{ tool: { name } }` map to `auto`, `required` and `tool`. Other entries (system tools) are dropped
 * with a warning.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html
 */
export function toolConfigToCanonical(
  config: unknown,
  warnings: TranslationWarning[],
): { tools?: CanonicalTool[]; toolChoice?: ToolChoice } {
  const c = obj(config);
  if (c === undefined) return {};
  const tools: CanonicalTool[] = [];
  for (const entry of Array.isArray(c.tools) ? c.tools : []) {
    if (!isRecord(entry)) continue;
    if (entry.cachePoint !== undefined) {
      const last = tools[tools.length - 1];
      if (last !== undefined) last.providerMetadata = withCachePoint(last.providerMetadata);
      continue;
    }
    const spec = obj(entry.toolSpec);
    const name = str(spec?.name);
    if (spec === undefined || name === undefined) {
      warnings.push({ code: 'unsupported-tool', message: 'A Converse tool that is not a toolSpec was dropped' });
      continue;
    }
    const tool: CanonicalTool = { name, parameters: obj(obj(spec.inputSchema)?.json) ?? { type: 'object' } };
    const description = str(spec.description);
    if (description !== undefined) tool.description = description;
    if (spec.strict === true) tool.strict = true;
    tools.push(tool);
  }
  const out: { tools?: CanonicalTool[]; toolChoice?: ToolChoice } = {};
  if (tools.length > 0) out.tools = tools;
  const choice = obj(c.toolChoice);
  if (choice?.auto !== undefined) out.toolChoice = { type: 'auto' };
  else if (choice?.any !== undefined) out.toolChoice = { type: 'required' };
  else {
    const name = str(obj(choice?.tool)?.name);
    if (name !== undefined) out.toolChoice = { type: 'tool', name };
  }
  return out;
}

/**
 * Canonical tools and tool choice → Converse `toolConfig`, or undefined when there are no tools.
 * Converse has no `none`: the tools stay declared (a conversation holding tool calls needs them) and
 * the choice is left to the model, with a warning. A tool with Anthropic `cache_control` is followed by
 * a `cachePoint`.
 */
export function toolConfigFromCanonical(
  tools: CanonicalTool[] | undefined,
  choice: ToolChoice | undefined,
  warnings: TranslationWarning[],
): JsonObject | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  const entries: JsonObject[] = [];
  for (const tool of tools) {
    const spec: JsonObject = { name: tool.name };
    if (tool.description !== undefined) spec.description = tool.description;
    spec.inputSchema = { json: tool.parameters };
    entries.push({ toolSpec: spec });
    if (hasCachePoint(tool.providerMetadata)) entries.push({ cachePoint: { type: 'default' } });
  }
  const config: JsonObject = { tools: entries };
  switch (choice?.type) {
    case 'auto':
      config.toolChoice = { auto: {} };
      break;
    case 'required':
      config.toolChoice = { any: {} };
      break;
    case 'tool':
      config.toolChoice = { tool: { name: choice.name } };
      break;
    case 'none':
      warnings.push({
        code: 'unsupported-setting',
        message: "tool_choice 'none' has no Bedrock Converse counterpart; the model may still call a tool",
      });
      break;
  }
  return config;
}
