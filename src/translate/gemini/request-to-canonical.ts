import { dropAnthropicOnly } from '../anthropic-only.js';
import type {
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  Converted,
  FromCanonicalOptions,
  ReasoningConfig,
  ReasoningEffort,
  TextPart,
  ToolChoice,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { arr, compact, invalid, isRecord, type JsonObject, num, obj, str } from '../json.js';
import { budgetToEffort, effortToBudget, providerFamily } from '../reasoning.js';
import { fromGeminiSchema, toGeminiSchema } from './clean-schema.js';
import {
  assistantToParts,
  functionResponseToCanonical,
  mediaToCanonical,
  mediaToGemini,
  modelPartsToCanonical,
  toolResultToParts,
} from './convert-parts.js';
import { camel, get } from './fields.js';
import { sanitizeFunctionName } from './function-names.js';
import { isSyntheticId, requestCallId } from './tool-call-ids.js';

/** Top-level request fields read into canonical fields; anything else is kept in `providerMetadata.gemini.extra`. */
const TOP = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'model']);
/** `generationConfig` fields read into canonical fields; the rest are kept in `providerMetadata.gemini.generationConfig`. */
const GENERATION = new Set([
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'stopSequences',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
]);
const NUMERIC = [
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
] as const;
const LEVELS = new Set<string>(['minimal', 'low', 'medium', 'high']);

/**
 * A Gemini `generateContent` body → canonical request.
 * - `model` stays undefined: Gemini carries it in the URL.
 * - `systemInstruction` becomes one leading system message.
 * - Function calls without an `id` get a synthetic one from their position; a `functionResponse`
 *   without an `id` is paired with the earliest unanswered call of the same name.
 * - Fields with no canonical counterpart (`safetySettings`, `cachedContent`, non-function tools,
 *   unknown `generationConfig` fields, ...) are kept in `providerMetadata.gemini` for a same-dialect trip.
 * Throws `InvalidRequestError` naming the field when the body cannot be read.
 */
export function geminiRequestToCanonical(body: JsonObject): Converted<CanonicalRequest> {
  const warnings: TranslationWarning[] = [];
  const meta: JsonObject = {};
  const messages: CanonicalMessage[] = [];

  const system = get(body, 'systemInstruction');
  if (system !== undefined) {
    const content = systemParts(system, warnings);
    if (content.length > 0) messages.push({ role: 'system', content });
  }

  const contents = get(body, 'contents');
  if (!Array.isArray(contents)) invalid('contents', 'must be an array of Content');
  // Calls of the conversation not yet answered, oldest first, for responses without an id.
  const open: Array<{ id: string; name: string }> = [];
  contents.forEach((content, ci) => {
    if (!isRecord(content)) invalid(`contents[${ci}]`, 'must be an object');
    const role = get(content, 'role') ?? 'user';
    const parts = get(content, 'parts') ?? [];
    if (!Array.isArray(parts)) invalid(`contents[${ci}].parts`, 'must be an array');
    if (role === 'model') {
      const assistant = modelPartsToCanonical(parts, (pi) => requestCallId(ci, pi), warnings);
      for (const c of assistant) if (c.type === 'tool-call') open.push({ id: c.id, name: c.name });
      if (assistant.length > 0) messages.push({ role: 'assistant', content: assistant });
      return;
    }
    if (role !== 'user' && role !== 'function') invalid(`contents[${ci}].role`, "must be 'user' or 'model'");
    parts.forEach((part, pi) => {
      if (!isRecord(part)) invalid(`contents[${ci}].parts[${pi}]`, 'must be an object');
      const fr = obj(get(part, 'functionResponse'));
      if (fr) {
        const name = str(fr.name);
        if (name === undefined) invalid(`contents[${ci}].parts[${pi}].functionResponse.name`, 'must be a string');
        const explicit = str(fr.id);
        const at = open.findIndex((c) => (explicit !== undefined ? c.id === explicit : c.name === name));
        const id = explicit ?? open[at]?.id ?? requestCallId(ci, pi);
        if (at >= 0) open.splice(at, 1);
        const result: ToolResultPart = {
          type: 'tool-result',
          toolCallId: id,
          name,
          ...functionResponseToCanonical(fr, warnings),
        };
        const last = messages[messages.length - 1];
        if (last?.role === 'tool') last.content.push(result);
        else messages.push({ role: 'tool', content: [result] });
        return;
      }
      const item = userPart(part, warnings);
      if (!item) return;
      const last = messages[messages.length - 1];
      if (last?.role === 'user' && pi > 0) last.content.push(item);
      else messages.push({ role: 'user', content: [item] });
    });
  });

  const request: CanonicalRequest = { messages };
  readTools(body, request, meta, warnings);
  readGenerationConfig(body, request, meta, warnings);

  const extra: JsonObject = {};
  for (const key in body) if (!TOP.has(camel(key))) extra[key] = body[key];
  if (Object.keys(extra).length > 0) meta.extra = extra;
  if (Object.keys(meta).length > 0) request.providerMetadata = { gemini: meta };
  return { value: request, warnings };
}

function systemParts(value: unknown, warnings: TranslationWarning[]): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!isRecord(value)) invalid('systemInstruction', 'must be a Content object');
  const out: TextPart[] = [];
  for (const part of arr(get(value, 'parts'))) {
    const text = isRecord(part) ? str(part.text) : undefined;
    if (text !== undefined) out.push({ type: 'text', text });
    else warnings.push({ code: 'dropped-content', message: 'A systemInstruction part that is not text was dropped.' });
  }
  return out;
}

function userPart(part: JsonObject, warnings: TranslationWarning[]): UserContent | undefined {
  const text = str(part.text);
  if (text !== undefined) return { type: 'text', text };
  const media = mediaToCanonical(part);
  if (media) return media;
  warnings.push({
    code: 'dropped-content',
    message: `A user part (${Object.keys(part).join(', ')}) has no canonical form and was dropped.`,
  });
  return undefined;
}

function readTools(
  body: JsonObject,
  request: CanonicalRequest,
  meta: JsonObject,
  warnings: TranslationWarning[],
): void {
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
      } else if (isRecord(decl.parameters)) out.parameters = fromGeminiSchema(decl.parameters);
      const extra: JsonObject = {};
      for (const key in decl) {
        if (!['name', 'description', 'parameters', 'parametersJsonSchema'].includes(camel(key))) extra[key] = decl[key];
      }
      if (Object.keys(extra).length > 0) declMeta.declaration = extra;
      if (Object.keys(declMeta).length > 0) out.providerMetadata = { gemini: declMeta };
      tools.push(out);
    });
  });
  if (tools.length > 0) request.tools = tools;
  if (other.length > 0) meta.tools = other;

  const toolConfig = obj(get(body, 'toolConfig'));
  if (!toolConfig) return;
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
  request.toolChoice = choice;
  if (!exact) meta.toolConfig = toolConfig;
}

function readGenerationConfig(
  body: JsonObject,
  request: CanonicalRequest,
  meta: JsonObject,
  warnings: TranslationWarning[],
): void {
  const raw = get(body, 'generationConfig');
  if (raw === undefined) return;
  if (!isRecord(raw)) invalid('generationConfig', 'must be an object');
  const config: JsonObject = {};
  const extra: JsonObject = {};
  for (const key in raw) {
    const name = camel(key);
    if (GENERATION.has(name)) config[name] = raw[key];
    else extra[key] = raw[key];
  }
  for (const key of NUMERIC) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    const n = num(value);
    if (n === undefined) invalid(`generationConfig.${key}`, 'must be a number');
    request[key] = n;
  }
  const stops = config.stopSequences;
  if (stops !== undefined) {
    if (!Array.isArray(stops) || !stops.every((s) => typeof s === 'string'))
      invalid('generationConfig.stopSequences', 'must be an array of strings');
    request.stopSequences = stops;
  }
  const candidates = num(extra.candidateCount ?? extra.candidate_count);
  if (candidates !== undefined && candidates > 1) {
    warnings.push({
      code: 'unsupported-setting',
      message: 'candidateCount > 1: only the first candidate is translated.',
    });
  }

  const mime = config.responseMimeType;
  if (mime === 'application/json') {
    const jsonSchema = config.responseJsonSchema;
    const schema = config.responseSchema;
    if (isRecord(jsonSchema)) {
      request.responseFormat = { type: 'json', schema: jsonSchema };
      meta.responseJsonSchema = true;
    } else if (isRecord(schema)) request.responseFormat = { type: 'json', schema: fromGeminiSchema(schema) };
    else request.responseFormat = { type: 'json' };
  } else if (mime === 'text/plain') request.responseFormat = { type: 'text' };
  else {
    // text/x.enum and other types: Gemini only.
    for (const key of ['responseMimeType', 'responseSchema', 'responseJsonSchema']) {
      if (config[key] !== undefined) extra[key] = config[key];
    }
    if (mime !== undefined)
      warnings.push({
        code: 'unsupported-setting',
        message: `responseMimeType '${String(mime)}' has no canonical form.`,
      });
  }

  const thinking = config.thinkingConfig;
  if (thinking !== undefined) {
    if (!isRecord(thinking)) invalid('generationConfig.thinkingConfig', 'must be an object');
    const reasoning = readThinking(thinking, meta);
    if (reasoning) request.reasoning = reasoning;
  }
  if (Object.keys(extra).length > 0) meta.generationConfig = extra;
}

function readThinking(thinking: JsonObject, meta: JsonObject): ReasoningConfig | undefined {
  const budgetRaw = get(thinking, 'thinkingBudget');
  const budget = num(budgetRaw);
  if (budgetRaw !== undefined && budget === undefined)
    invalid('generationConfig.thinkingConfig.thinkingBudget', 'must be a number');
  const levelRaw = get(thinking, 'thinkingLevel');
  const level = str(levelRaw)?.toLowerCase();
  if (levelRaw !== undefined && (level === undefined || !LEVELS.has(level))) {
    invalid('generationConfig.thinkingConfig.thinkingLevel', "must be 'minimal', 'low', 'medium' or 'high'");
  }
  const include = get(thinking, 'includeThoughts');
  if (budget === undefined && level === undefined && typeof include !== 'boolean') return undefined;
  const reasoning: ReasoningConfig = { enabled: true };
  const flags: JsonObject = {};
  if (budget !== undefined) {
    reasoning.effort = budgetToEffort(budget);
    if (budget === 0) reasoning.enabled = false;
    if (budget < 0) flags.dynamic = true;
    else reasoning.budgetTokens = budget;
  }
  if (level !== undefined) {
    reasoning.effort = level as ReasoningEffort;
    flags.level = true;
  }
  if (typeof include === 'boolean') reasoning.includeThoughts = include;
  if (Object.keys(flags).length > 0) meta.thinking = flags;
  return reasoning;
}

/**
 * A canonical request → a Gemini `generateContent` body (no `model`: it goes in the URL).
 * - System messages anywhere are hoisted into `systemInstruction`, in order (warning when one was not
 *   at the start).
 * - Consecutive turns of one role are merged; tool results go in a `user` turn as `functionResponse`s,
 *   named after their call when the result carries no name.
 * - `functionCall.id` / `functionResponse.id` are sent for ids that did not come from switchyard's
 *   synthesis (Gemini accepts client ids and echoes them).
 * - Thinking from other providers is dropped, or sent as text with `foreignThinking: 'text'`.
 * - Tool names are sanitised for Gemini (a warning names each change); schemas reduced to Gemini's subset.
 */
export function geminiRequestFromCanonical(
  request: CanonicalRequest,
  options: FromCanonicalOptions,
): Converted<JsonObject> {
  const warnings: TranslationWarning[] = [];
  const meta = request.providerMetadata?.gemini ?? {};
  const renamed = new Map<string, string>();
  const nameFor = (name: string): string => {
    const clean = sanitizeFunctionName(name);
    if (clean !== name && !renamed.has(name)) {
      renamed.set(name, clean);
      warnings.push({ code: 'renamed-tool', message: `Tool '${name}' is sent to Gemini as '${clean}'.` });
    }
    return clean;
  };
  const family = providerFamily(options.targetProvider);
  const sendSignatures = family === undefined || family === 'gemini';

  const system: JsonObject[] = [];
  const contents: JsonObject[] = [];
  const callNames = new Map<string, string>();
  let seenTurn = false;
  let hoisted = false;
  const push = (role: 'user' | 'model', parts: JsonObject[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) (last.parts as JsonObject[]).push(...parts);
    else contents.push({ role, parts });
  };
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        if (seenTurn) hoisted = true;
        for (const part of message.content) system.push({ text: part.text });
        break;
      case 'user': {
        seenTurn = true;
        const parts: JsonObject[] = [];
        for (const part of message.content) {
          if (part.type === 'text') parts.push({ text: part.text });
          else {
            const media = mediaToGemini(part, warnings);
            if (media) parts.push(media);
          }
        }
        push('user', parts);
        break;
      }
      case 'assistant':
        seenTurn = true;
        for (const c of message.content) if (c.type === 'tool-call') callNames.set(c.id, c.name);
        push(
          'model',
          assistantToParts(message.content, {
            warnings,
            mode: 'request',
            foreignThinking: options.foreignThinking ?? 'drop',
            sendSignatures,
            nameFor,
          }),
        );
        break;
      case 'tool': {
        seenTurn = true;
        const parts: JsonObject[] = [];
        for (const result of message.content) {
          let name = result.name ?? callNames.get(result.toolCallId);
          if (name === undefined) {
            warnings.push({
              code: 'unknown-tool-call',
              message: `Tool result '${result.toolCallId}' matches no tool call; Gemini needs a name.`,
            });
            name = result.toolCallId;
          }
          const id = isSyntheticId(result.toolCallId) ? undefined : result.toolCallId;
          parts.push(...toolResultToParts(result, nameFor(name), id, warnings));
        }
        push('user', parts);
        break;
      }
    }
  }
  if (hoisted) {
    warnings.push({
      code: 'system-hoisted',
      message: 'System messages after the first turn were moved into systemInstruction.',
    });
  }

  const body: JsonObject = { contents };
  dropAnthropicOnly(request, 'Gemini', warnings);
  if (system.length > 0) body.systemInstruction = { parts: system };
  writeTools(request, meta, body, nameFor, warnings);
  const generationConfig = writeGenerationConfig(request, meta, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (request.parallelToolCalls === false) {
    warnings.push({ code: 'unsupported-setting', message: 'Gemini cannot turn off parallel tool calls.' });
  }
  const extra = obj(meta.extra);
  if (extra) for (const key in extra) if (body[key] === undefined) body[key] = extra[key];
  return { value: body, warnings };
}

function writeTools(
  request: CanonicalRequest,
  meta: JsonObject,
  body: JsonObject,
  nameFor: (name: string) => string,
  warnings: TranslationWarning[],
): void {
  const declarations: JsonObject[] = [];
  for (const tool of request.tools ?? []) {
    const toolMeta = tool.providerMetadata?.gemini;
    const decl: JsonObject = { name: nameFor(tool.name) };
    if (tool.description !== undefined) decl.description = tool.description;
    if (toolMeta?.parametersJsonSchema === true) decl.parametersJsonSchema = tool.parameters;
    else {
      const dropped = new Set<string>();
      const schema = toGeminiSchema(tool.parameters, dropped);
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
    const extra = obj(toolMeta?.declaration);
    if (extra) Object.assign(decl, extra);
    declarations.push(decl);
  }
  const tools: unknown[] = declarations.length > 0 ? [{ functionDeclarations: declarations }] : [];
  tools.push(...arr(meta.tools));
  if (tools.length > 0) body.tools = tools;

  const kept = obj(meta.toolConfig);
  if (kept) body.toolConfig = kept;
  else if (request.toolChoice) {
    const choice = request.toolChoice;
    const config: JsonObject =
      choice.type === 'auto'
        ? { mode: 'AUTO' }
        : choice.type === 'none'
          ? { mode: 'NONE' }
          : choice.type === 'required'
            ? { mode: 'ANY' }
            : { mode: 'ANY', allowedFunctionNames: [nameFor(choice.name)] };
    body.toolConfig = { functionCallingConfig: config };
  }
}

function writeGenerationConfig(
  request: CanonicalRequest,
  meta: JsonObject,
  warnings: TranslationWarning[],
): JsonObject {
  const config: JsonObject = { ...(obj(meta.generationConfig) ?? {}) };
  Object.assign(
    config,
    compact({
      temperature: request.temperature,
      topP: request.topP,
      topK: request.topK,
      maxOutputTokens: request.maxOutputTokens,
      stopSequences: request.stopSequences,
      seed: request.seed,
      presencePenalty: request.presencePenalty,
      frequencyPenalty: request.frequencyPenalty,
    }),
  );
  const format = request.responseFormat;
  if (format?.type === 'text') config.responseMimeType = 'text/plain';
  else if (format?.type === 'json') {
    config.responseMimeType = 'application/json';
    if (format.schema && meta.responseJsonSchema === true) config.responseJsonSchema = format.schema;
    else if (format.schema) {
      const dropped = new Set<string>();
      config.responseSchema = toGeminiSchema(format.schema, dropped);
      if (dropped.size > 0) {
        warnings.push({
          code: 'schema-reduced',
          message: `Response schema: ${[...dropped].join(', ')} not supported by Gemini, dropped.`,
        });
      }
    }
  }
  const reasoning = request.reasoning;
  if (reasoning) {
    const flags = obj(meta.thinking) ?? {};
    const thinking: JsonObject = {};
    if (!reasoning.enabled) thinking.thinkingBudget = 0;
    else if (flags.dynamic === true) thinking.thinkingBudget = -1;
    else if (flags.level === true && reasoning.effort !== undefined && LEVELS.has(reasoning.effort))
      thinking.thinkingLevel = reasoning.effort;
    else if (reasoning.budgetTokens !== undefined) thinking.thinkingBudget = reasoning.budgetTokens;
    // A budget works on every thinking model (Gemini 3 maps it to a level); thinkingLevel does not.
    else if (reasoning.effort !== undefined) thinking.thinkingBudget = effortToBudget(reasoning.effort);
    if (reasoning.includeThoughts !== undefined) thinking.includeThoughts = reasoning.includeThoughts;
    if (Object.keys(thinking).length > 0) config.thinkingConfig = thinking;
  }
  return config;
}
