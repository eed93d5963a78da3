import { dropAnthropicOnly } from '../anthropic-only.js';
import type { CanonicalRequest, Converted, FromCanonicalOptions, TranslationWarning } from '../canonical.js';
import { type JsonObject, obj } from '../json.js';
import { providerFamily } from '../reasoning.js';
import { assistantFromCanonical, mediaFromCanonical, toolResultFromCanonical } from './content.js';
import { sanitizeFunctionName } from './function-names.js';
import { generationConfigFromCanonical } from './generation-config.js';
import { ours } from './metadata.js';
import { isSyntheticId } from './tool-call-ids.js';
import { toolChoiceFromCanonical, toolsFromCanonical } from './tools.js';

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
export function requestFromCanonical(request: CanonicalRequest, options: FromCanonicalOptions): Converted<JsonObject> {
  const warnings: TranslationWarning[] = [];
  const meta = ours(request.providerMetadata);
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
            const media = mediaFromCanonical(part, warnings);
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
          assistantFromCanonical(message.content, {
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
          parts.push(...toolResultFromCanonical(result, nameFor(name), id, warnings));
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
  const tools = toolsFromCanonical(request, meta, nameFor, warnings);
  if (tools.length > 0) body.tools = tools;
  const toolConfig = toolChoiceFromCanonical(request, meta, nameFor);
  if (toolConfig) body.toolConfig = toolConfig;
  const generationConfig = generationConfigFromCanonical(request, meta, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (request.parallelToolCalls === false) {
    warnings.push({ code: 'unsupported-setting', message: 'Gemini cannot turn off parallel tool calls.' });
  }
  const extra = obj(meta.extra);
  if (extra) for (const key in extra) if (body[key] === undefined) body[key] = extra[key];
  return { value: body, warnings };
}
