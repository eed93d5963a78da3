import type {
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, obj, str } from '../json.js';
import { assistantToCanonical, mediaToCanonical, toolResultToCanonical } from './content.js';
import { camel, get } from './fields.js';
import { generationConfigToCanonical } from './generation-config.js';
import { KEY } from './metadata.js';
import { requestCallId } from './tool-call-ids.js';
import { toolChoiceToCanonical, toolsToCanonical } from './tools.js';

/** Top-level request fields read into canonical fields; anything else is kept in `providerMetadata.gemini.extra`. */
const TOP = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'model']);

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
export function requestToCanonical(body: JsonObject): Converted<CanonicalRequest> {
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
      const assistant = assistantToCanonical(parts, (pi) => requestCallId(ci, pi), warnings);
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
          ...toolResultToCanonical(fr, warnings),
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
  const tools = toolsToCanonical(body, meta, warnings);
  if (tools.length > 0) request.tools = tools;
  const toolChoice = toolChoiceToCanonical(body, meta, warnings);
  if (toolChoice) request.toolChoice = toolChoice;
  generationConfigToCanonical(body, request, meta, warnings);

  const extra: JsonObject = {};
  for (const key in body) if (!TOP.has(camel(key))) extra[key] = body[key];
  if (Object.keys(extra).length > 0) meta.extra = extra;
  if (Object.keys(meta).length > 0) request.providerMetadata = { [KEY]: meta };
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
