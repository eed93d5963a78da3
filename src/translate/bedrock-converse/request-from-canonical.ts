import type {
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  FromCanonicalOptions,
  ReasoningPart,
  TextPart,
  TranslationWarning,
} from '../canonical.js';
import { type JsonObject, obj } from '../json.js';
import { effortToBudget } from '../reasoning.js';
import {
  fileFromCanonical,
  imageFromCanonical,
  pushWithCachePoint,
  reasoningFromCanonical,
  toolResultFromCanonical,
  toolUseFromCanonical,
} from './content.js';
import { ANTHROPIC_KEY, ours } from './metadata.js';
import { toolConfigFromCanonical } from './tools.js';

/** Claude's smallest accepted `budget_tokens`. */
const MIN_THINKING_BUDGET = 1024;
/** Output room added on top of a thinking budget when the request sets no larger `maxTokens`. */
const ANSWER_ROOM = 4096;

interface Turn {
  role: 'user' | 'assistant';
  content: JsonObject[];
}

/**
 * Whether a reasoning part may go out as a `reasoningContent` block. Bedrock verifies Claude's
 * signatures, so only reasoning Claude signed (origin `anthropic`), or redacted reasoning, is replayed;
 * another family's, or unsigned, is dropped or sent as text (`foreignThinking: 'text'`).
 */
function reasoningBlock(
  part: ReasoningPart,
  options: FromCanonicalOptions,
  out: JsonObject[],
  warnings: TranslationWarning[],
): void {
  const redacted = part.redactedData !== undefined;
  const foreign = part.origin !== undefined && part.origin !== 'anthropic';
  const unsigned = !redacted && (part.signature === undefined || part.signature === '');
  if (!foreign && !unsigned) {
    out.push(reasoningFromCanonical(part));
    return;
  }
  const why = foreign ? `from '${part.origin}'` : 'without a signature';
  if (options.foreignThinking === 'text' && !redacted && part.text !== '') {
    out.push({ text: part.text });
    warnings.push({ code: 'foreign-thinking-as-text', message: `Reasoning ${why} was sent as text` });
    return;
  }
  warnings.push({ code: 'foreign-thinking-dropped', message: `Reasoning ${why} was dropped` });
}

function pushTurn(turns: Turn[], role: Turn['role'], content: JsonObject[]): void {
  if (content.length === 0) return;
  const last = turns[turns.length - 1];
  // Converse requires alternating turns: consecutive same-role messages merge into one.
  if (last !== undefined && last.role === role) {
    for (const block of content) last.content.push(block);
    return;
  }
  turns.push({ role, content });
}

/** Tool results must open the user turn that answers the tool calls. */
function resultsFirst(content: JsonObject[]): JsonObject[] {
  const results = content.filter((b) => b.toolResult !== undefined);
  if (results.length === 0 || results.length === content.length) return content;
  return [...results, ...content.filter((b) => b.toolResult === undefined)];
}

function messageBlocks(
  message: CanonicalMessage,
  options: FromCanonicalOptions,
  warnings: TranslationWarning[],
): JsonObject[] {
  const out: JsonObject[] = [];
  message.content.forEach((part, i) => {
    switch (part.type) {
      case 'text':
        if (part.text !== '') pushWithCachePoint(out, { text: part.text }, part);
        break;
      case 'image':
        pushWithCachePoint(out, imageFromCanonical(part, warnings), part);
        break;
      case 'file':
        pushWithCachePoint(out, fileFromCanonical(part, i, warnings), part);
        break;
      case 'reasoning':
        reasoningBlock(part, options, out, warnings);
        break;
      case 'tool-call':
        pushWithCachePoint(out, toolUseFromCanonical(part, warnings), part);
        break;
      case 'tool-result':
        pushWithCachePoint(out, toolResultFromCanonical(part, warnings), part);
        break;
    }
  });
  return out;
}

function systemBlocks(request: CanonicalRequest, warnings: TranslationWarning[]): JsonObject[] {
  const out: JsonObject[] = [];
  let seenTurn = false;
  let hoisted = false;
  for (const message of request.messages) {
    if (message.role !== 'system') {
      seenTurn = true;
      continue;
    }
    if (seenTurn) hoisted = true;
    for (const part of message.content as TextPart[]) {
      if (part.text !== '') pushWithCachePoint(out, { text: part.text }, part);
    }
  }
  if (hoisted) {
    warnings.push({
      code: 'system-hoisted',
      message: 'System messages after the first turn were moved into the system prompt (Converse has one)',
    });
  }
  const format = request.responseFormat;
  if (format?.type === 'json') {
    out.push({
      text:
        format.schema === undefined
          ? 'Respond only with a valid JSON value, with no other text.'
          : `Respond only with a JSON value, with no other text, that conforms to this JSON Schema:\n${JSON.stringify(format.schema)}`,
    });
    warnings.push({
      code: 'response-format-emulated',
      message: 'The JSON response format was turned into a system instruction; the output is not enforced',
    });
  }
  return out;
}

function unsupported(request: CanonicalRequest, warnings: TranslationWarning[]): void {
  const dropped: string[] = [];
  if (request.seed !== undefined) dropped.push('seed');
  if (request.presencePenalty !== undefined) dropped.push('presence_penalty');
  if (request.frequencyPenalty !== undefined) dropped.push('frequency_penalty');
  if (request.parallelToolCalls === false) dropped.push('parallel_tool_calls');
  if (dropped.length > 0) {
    warnings.push({
      code: 'unsupported-setting',
      message: `${dropped.join(', ')} ${dropped.length === 1 ? 'has' : 'have'} no Bedrock Converse counterpart and ${dropped.length === 1 ? 'was' : 'were'} dropped`,
    });
  }
  const anthropic = request.providerMetadata?.[ANTHROPIC_KEY];
  if (anthropic?.context_management !== undefined) {
    warnings.push({
      code: 'anthropic-only-dropped',
      message: 'context_management has no Bedrock Converse counterpart and was dropped',
    });
  }
}

/**
 * A canonical request → Bedrock Converse request body (the model goes in the path, not the body).
 *
 * - System messages anywhere are hoisted, in order, into `system` (warning `system-hoisted` when one
 *   came after the first turn); consecutive same-role turns merge; tool results open their user turn.
 * - Sampling goes to `inferenceConfig`; top-k and Claude's `thinking` (budget from the effort table,
 *   at least 1024, with `maxTokens` raised above it) to `additionalModelRequestFields`.
 * - Anthropic `cache_control` becomes a `cachePoint` after the block, tool or system text it marks.
 * - Images and documents go inline (`bytes`); URLs Bedrock cannot fetch are dropped with a warning.
 * - Reasoning Claude did not sign is never replayed as `reasoningContent` (see {@link reasoningBlock}).
 * - Seed and penalties have no counterpart (`unsupported-setting`); a JSON response format becomes a
 *   system instruction (`response-format-emulated`).
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 */
export function requestFromCanonical(request: CanonicalRequest, options: FromCanonicalOptions): Converted<JsonObject> {
  const warnings: TranslationWarning[] = [];
  const turns: Turn[] = [];
  const system = systemBlocks(request, warnings);
  for (const message of request.messages) {
    if (message.role === 'system') continue;
    const blocks = messageBlocks(message, options, warnings);
    pushTurn(turns, message.role === 'assistant' ? 'assistant' : 'user', blocks);
  }
  const body: JsonObject = {
    messages: turns.map((t) => ({ role: t.role, content: t.role === 'user' ? resultsFirst(t.content) : t.content })),
  };
  if (system.length > 0) body.system = system;
  const inference: JsonObject = {};
  if (request.maxOutputTokens !== undefined) inference.maxTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.topP !== undefined) inference.topP = request.topP;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    inference.stopSequences = request.stopSequences;
  const meta = ours(request.providerMetadata);
  const additional: JsonObject = { ...obj(meta.additionalModelRequestFields) };
  if (request.topK !== undefined) additional.top_k = request.topK;
  const reasoning = request.reasoning;
  if (reasoning?.enabled === true && reasoning.effort !== 'none' && reasoning.budgetTokens !== 0) {
    const budget = Math.max(
      MIN_THINKING_BUDGET,
      reasoning.budgetTokens ?? effortToBudget(reasoning.effort ?? 'medium'),
    );
    additional.thinking = { type: 'enabled', budget_tokens: budget };
    const max = inference.maxTokens as number | undefined;
    if (max === undefined || max <= budget) inference.maxTokens = budget + (max ?? ANSWER_ROOM);
  }
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  const toolConfig = toolConfigFromCanonical(request.tools, request.toolChoice, warnings);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;
  for (const key in meta) {
    if (key === '__proto__' || key === 'additionalModelRequestFields' || key in body) continue;
    body[key] = meta[key];
  }
  unsupported(request, warnings);
  return { value: body, warnings };
}
