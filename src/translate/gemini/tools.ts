import type { CanonicalRequest, CanonicalTool, ToolChoice, TranslationWarning } from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, obj, str } from '../json.js';
import { schemaFromCanonical, schemaToCanonical } from './clean-schema.js';
import { camel, get } from './fields.js';
import { KEY, ours } from './metadata.js';
import type { GeminiFunctionCallingMode } from './wire-types.js';

/**
 * Gemini `tools` → canonical tools. `functionDeclarations` convert (`parameters` from Gemini's Schema,
 * `parametersJsonSchema` as it is); other tools (`googleSearch`, `codeExecution`, ...) have no canonical
 * form and are kept in `meta.tools` for Gemini, with `unsupported-tool`.
 *
 * @see https://ai.google.dev/api/caching#Tool
 */
export function toolsToCanonical(body: JsonObject, meta: JsonObject, warnings: TranslationWarning[]): CanonicalTool[] {
  const tools: CanonicalTool[] = [];
  const other: unknown[] = [];
  const list = get(body, 'tools');
  if (list !== undefined && !Array.isArray(list)) invalid('tools', 'must be an array');
  arr(list).forEach((tool, ti) => {
    if (!isRecord(tool)) invalid(`tools[${ti}]`, 'must be an object');
    const declarations = get(tool, 'functionDeclarations');
    const rest: JsonObject = {};
    for (const key in tool) if (camel(key) !== 'functionDeclarations') rest[key] = tool[key];
    if (Object.keys(rest).length > 0) {
      other.push(rest);
      warnings.push({
        code: 'unsupported-tool',
        message: `Gemini tools ${Object.keys(rest).join(', ')} have no canonical form (kept for Gemini only).`,
      });
    }
    arr(declarations).forEach((decl, di) => {
      const field = `tools[${ti}].functionDeclarations[${di}]`;
      if (!isRecord(decl)) invalid(field, 'must be an object');
      const name = str(decl.name);
      if (name === undefined) invalid(`${field}.name`, 'must be a string');
      const out: CanonicalTool = { name, parameters: { type: 'object', properties: {} } };
      const description = str(decl.description);
      if (description !== undefined) out.description = description;
      const declMeta: JsonObject = {};
      const jsonSchema = get(decl, 'parametersJsonSchema');
      if (isRecord(jsonSchema)) {
        out.parameters = jsonSchema;
        declMeta.parametersJsonSchema = true;
      } else if (isRecord(decl.parameters)) out.parameters = schemaToCanonical(decl.parameters);
      const extra: JsonObject = {};
      for (const key in decl) {
        if (!['name', 'description', 'parameters', 'parametersJsonSchema'].includes(camel(key))) extra[key] = decl[key];
      }
      if (Object.keys(extra).length > 0) declMeta.declaration = extra;
      if (Object.keys(declMeta).length > 0) out.providerMetadata = { [KEY]: declMeta };
      tools.push(out);
    });
  });
  if (other.length > 0) meta.tools = other;
  return tools;
}

/**
 * Gemini `toolConfig.functionCallingConfig` → a canonical tool choice. What other dialects cannot say
 * (`VALIDATED`, `allowedFunctionNames` beyond one forced function) is kept in `meta.toolConfig`.
 */
export function toolChoiceToCanonical(
  body: JsonObject,
  meta: JsonObject,
  warnings: TranslationWarning[],
): ToolChoice | undefined {
  const toolConfig = obj(get(body, 'toolConfig'));
  if (!toolConfig) return undefined;
  const fcc = obj(get(toolConfig, 'functionCallingConfig'));
  const mode = fcc ? str(fcc.mode) : undefined;
  const allowed = fcc ? arr(get(fcc, 'allowedFunctionNames')).filter((n): n is string => typeof n === 'string') : [];
  let choice: ToolChoice | undefined;
  let exact = Object.keys(toolConfig).length === 1;
  if (mode === 'AUTO' || mode === undefined) choice = { type: 'auto' };
  else if (mode === 'NONE') choice = { type: 'none' };
  else if (mode === 'ANY')
    choice = allowed.length === 1 && allowed[0] ? { type: 'tool', name: allowed[0] } : { type: 'required' };
  else if (mode === 'VALIDATED') {
    choice = { type: 'auto' };
    exact = false;
  } else invalid('toolConfig.functionCallingConfig.mode', "must be 'AUTO', 'ANY', 'NONE' or 'VALIDATED'");
  if (allowed.length > 1 || (allowed.length === 1 && mode !== 'ANY')) {
    exact = false;
    warnings.push({
      code: 'unsupported-setting',
      message: 'allowedFunctionNames narrows the tools in a way other dialects cannot say; only Gemini keeps it.',
    });
  }
  if (!exact) meta.toolConfig = toolConfig;
  return choice;
}

/**
 * Canonical tools → Gemini `tools`: one `functionDeclarations` tool (names sanitised by `nameFor`,
 * schemas reduced to Gemini's subset with `schema-reduced`), then the Gemini tools kept in `meta`.
 */
export function toolsFromCanonical(
  request: CanonicalRequest,
  meta: JsonObject,
  nameFor: (name: string) => string,
  warnings: TranslationWarning[],
): unknown[] {
  const declarations: JsonObject[] = [];
  for (const tool of request.tools ?? []) {
    const toolMeta = ours(tool.providerMetadata);
    const decl: JsonObject = { name: nameFor(tool.name) };
    if (tool.description !== undefined) decl.description = tool.description;
    if (toolMeta.parametersJsonSchema === true) decl.parametersJsonSchema = tool.parameters;
    else {
      const dropped = new Set<string>();
      const schema = schemaFromCanonical(tool.parameters, dropped);
      // A function without parameters leaves `parameters` unset (an empty OBJECT is rejected).
      if (schema.type !== 'OBJECT' || schema.properties !== undefined || schema.anyOf !== undefined)
        decl.parameters = schema;
      if (dropped.size > 0) {
        warnings.push({
          code: 'schema-reduced',
          message: `Tool '${tool.name}': ${[...dropped].join(', ')} not supported by Gemini, dropped.`,
        });
      }
    }
    const extra = obj(toolMeta.declaration);
    if (extra) Object.assign(decl, extra);
    declarations.push(decl);
  }
  const tools: unknown[] = declarations.length > 0 ? [{ functionDeclarations: declarations }] : [];
  tools.push(...arr(meta.tools));
  return tools;
}

/** The Gemini `toolConfig` for a canonical request: the kept one, else its tool choice; undefined for none. */
export function toolChoiceFromCanonical(
  request: CanonicalRequest,
  meta: JsonObject,
  nameFor: (name: string) => string,
): JsonObject | undefined {
  const kept = obj(meta.toolConfig);
  if (kept) return kept;
  const choice = request.toolChoice;
  if (!choice) return undefined;
  const config: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] } =
    choice.type === 'auto'
      ? { mode: 'AUTO' }
      : choice.type === 'none'
        ? { mode: 'NONE' }
        : choice.type === 'required'
          ? { mode: 'ANY' }
          : { mode: 'ANY', allowedFunctionNames: [nameFor(choice.name)] };
  return { functionCallingConfig: config };
}
