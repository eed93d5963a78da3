import type { CanonicalResponse, Converted, TranslationWarning } from '../canonical.js';
import type { ResponseContext } from '../codec.js';
import type { TranslationContext } from '../context.js';
import { type JsonObject, obj } from '../json.js';
import { assistantParts, readBlocks, reasoningFromCanonical, toolUseFromCanonical } from './content.js';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';
import { extras, KEY } from './metadata.js';
import { usageFromCanonical, usageToCanonical } from './usage.js';

const KNOWN = new Set(['output', 'stopReason', 'usage', 'metrics']);

/**
 * A Converse answer (`{ output: { message }, stopReason, usage, metrics }`) → canonical. Converse
 * answers carry neither an id nor the model (the model is in the request path): both are empty, and the
 * caller's dialect makes up what it requires. `additionalModelResponseFields`, `trace` and other extras
 * ride in `providerMetadata['bedrock-converse']`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function responseToCanonical(body: JsonObject, _context?: ResponseContext): Converted<CanonicalResponse> {
  const warnings: TranslationWarning[] = [];
  const message = obj(obj(body.output)?.message);
  const content = assistantParts(readBlocks(message?.content, 'output.message', warnings));
  const response: CanonicalResponse = {
    id: '',
    model: '',
    content,
    finishReason: finishReasonToCanonical(body.stopReason),
  };
  const usage = usageToCanonical(body.usage);
  if (usage !== undefined) response.usage = usage;
  const meta = extras(body, KNOWN);
  if (meta !== undefined) response.providerMetadata = { [KEY]: meta };
  return { value: response, warnings };
}

/** A canonical answer → a Converse answer body. */
export function responseFromCanonical(
  response: CanonicalResponse,
  _context?: TranslationContext,
): Converted<JsonObject> {
  const warnings: TranslationWarning[] = [];
  const content: JsonObject[] = [];
  for (const part of response.content) {
    if (part.type === 'text') content.push({ text: part.text });
    else if (part.type === 'reasoning') content.push(reasoningFromCanonical(part));
    else content.push(toolUseFromCanonical(part, warnings));
  }
  const body: JsonObject = {
    output: { message: { role: 'assistant', content } },
    stopReason: finishReasonFromCanonical(response.finishReason),
    usage: usageFromCanonical(response.usage),
    metrics: { latencyMs: 0 },
  };
  const meta = response.providerMetadata?.[KEY];
  if (meta !== undefined) for (const key in meta) if (!(key in body) && key !== '__proto__') body[key] = meta[key];
  return { value: body, warnings };
}
