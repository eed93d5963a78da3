import type { CanonicalTool, ToolChoice, TranslationWarning } from '../canonical.js';
import { compact, invalid, isRecord, type JsonObject, obj, str } from '../json.js';

type Json = JsonObject;

/**
 * Chat `tools` (or the legacy `functions`) → canonical tools. Only function tools have a canonical
 * form: any other type is dropped with `unsupported-tool`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 */
export function toolsToCanonical(body: Json, warnings: TranslationWarning[]): CanonicalTool[] | undefined {
  const tools = body.tools ?? body.functions;
  if (tools === undefined || tools === null) return undefined;
  const field = body.tools !== undefined && body.tools !== null ? 'tools' : 'functions';
  if (!Array.isArray(tools)) invalid(field, 'must be an array');
  const out: CanonicalTool[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isRecord(tool)) invalid(`${field}[${i}]`, 'must be an object');
    let fn: Json | undefined = tool;
    if (field === 'tools') {
      if (tool.type !== 'function') {
        warnings.push({
          code: 'unsupported-tool',
          message: `Only function tools can be translated; the '${String(tool.type)}' tool was dropped`,
        });
        continue;
      }
      fn = obj(tool.function);
      if (!fn) invalid(`tools[${i}].function`, 'must be an object');
    }
    const prefix = field === 'tools' ? `tools[${i}].function` : `functions[${i}]`;
    const name = str(fn.name);
    if (name === undefined) invalid(`${prefix}.name`, 'must be a string');
    const parameters = fn.parameters === undefined || fn.parameters === null ? undefined : obj(fn.parameters);
    if (fn.parameters !== undefined && fn.parameters !== null && !parameters) {
      invalid(`${prefix}.parameters`, 'must be a JSON Schema object');
    }
    // No parameters means a function without arguments.
    const converted: CanonicalTool = { name, parameters: parameters ?? { type: 'object', properties: {} } };
    const description = str(fn.description);
    if (description !== undefined) converted.description = description;
    if (typeof fn.strict === 'boolean') converted.strict = fn.strict;
    out.push(converted);
  }
  return out;
}

/** Chat `tool_choice` (or the legacy `function_call`) → canonical; unknown object types fall back to the default. */
export function toolChoiceToCanonical(body: Json, warnings: TranslationWarning[]): ToolChoice | undefined {
  const field = body.tool_choice !== undefined && body.tool_choice !== null ? 'tool_choice' : 'function_call';
  const choice = body[field];
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (typeof choice === 'string') invalid(field, `'${choice}' is not a known tool choice`);
  if (!isRecord(choice)) invalid(field, 'must be a string or an object');
  const name = field === 'tool_choice' ? str(obj(choice.function)?.name) : str(choice.name);
  if ((field === 'function_call' || choice.type === 'function') && name !== undefined) return { type: 'tool', name };
  if (field === 'function_call' || choice.type === 'function') invalid(field, 'needs the function name');
  warnings.push({
    code: 'unsupported-setting',
    message: `tool_choice of type '${String(choice.type)}' cannot be translated; the default (auto) applies`,
  });
  return undefined;
}

/** Canonical tools → Chat `tools` (function tools). */
export function toolsFromCanonical(tools: readonly CanonicalTool[]): Json[] {
  return tools.map((tool) => ({
    type: 'function',
    function: compact({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      strict: tool.strict,
    }),
  }));
}

/** A canonical tool choice → Chat `tool_choice`. */
export function toolChoiceFromCanonical(choice: ToolChoice): string | Json {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}
