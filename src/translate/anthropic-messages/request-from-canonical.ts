import type {
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  FromCanonicalOptions,
  ReasoningPart,
  TranslationWarning,
} from '../canonical.js';
import { type JsonObject, obj } from '../json.js';
import { effortToBudget, providerFamily } from '../reasoning.js';
import {
  fileFromCanonical,
  imageFromCanonical,
  textFromCanonical,
  thinkingFromCanonical,
  toolUseFromCanonical,
} from './content.js';
import {
  applyExtras,
  BLOCKS_KEY,
  IN_PLACE_KEY,
  ours,
  SERVER_TOOLS_KEY,
  TOOL_CHOICE_EXTRA_KEY,
  USER_METADATA_KEY,
} from './metadata.js';
import { toolChoiceFromCanonical, toolsFromCanonical } from './tools.js';

/**
 * `max_tokens` when the canonical request has none: Anthropic requires the field, and 4096 is an output
 * every current Claude model accepts. With thinking on, the budget is added on top (Anthropic requires
 * `budget_tokens < max_tokens`).
 */
export const DEFAULT_MAX_TOKENS = 4096;
/** Anthropic's smallest accepted `budget_tokens`. */
export const MIN_THINKING_BUDGET = 1024;

const BOOKKEEPING = new Set([SERVER_TOOLS_KEY, TOOL_CHOICE_EXTRA_KEY, USER_METADATA_KEY]);

interface Turn {
  /** `system`: a mid-conversation system message kept in place (it never merges). */
  role: 'user' | 'assistant' | 'system';
  content: JsonObject[];
  /** Set while the turn holds exactly one canonical message: decides string vs block content. */
  single: CanonicalMessage | undefined;
}

/** Decides whether a reasoning part may go out as a thinking block; pushes its replacement otherwise. */
function reasoningBlock(
  part: ReasoningPart,
  family: ReturnType<typeof providerFamily>,
  options: FromCanonicalOptions,
  out: JsonObject[],
  warnings: TranslationWarning[],
): void {
  const isRedacted = part.redactedData !== undefined;
  // Anthropic verifies signatures: only its own may be replayed to it, and a thinking block needs one.
  const foreign = family === 'anthropic' && part.origin !== 'anthropic';
  const unsigned = !isRedacted && (part.signature === undefined || part.signature === '');
  if (!foreign && !unsigned) {
    out.push(thinkingFromCanonical(part));
    return;
  }
  const why = foreign ? `from '${part.origin ?? 'an unknown provider'}'` : 'without a signature';
  if (options.foreignThinking === 'text' && !isRedacted && part.text !== '') {
    out.push({ type: 'text', text: part.text });
    warnings.push({ code: 'foreign-thinking-as-text', message: `Reasoning ${why} was sent as text` });
    return;
  }
  warnings.push({ code: 'foreign-thinking-dropped', message: `Reasoning ${why} was dropped` });
}

function pushTurn(turns: Turn[], role: Turn['role'], content: JsonObject[], message: CanonicalMessage): void {
  if (content.length === 0) return;
  const last = turns[turns.length - 1];
  if (role === 'system') {
    turns.push({ role, content, single: message });
    return;
  }
  // Anthropic requires alternating turns: consecutive same-role messages merge into one turn.
  if (last !== undefined && last.role === role) {
    for (const block of content) last.content.push(block);
    last.single = undefined;
    return;
  }
  turns.push({ role, content, single: message });
}

/** Tool results must open the user turn that answers the tool calls. */
function resultsFirst(content: JsonObject[]): JsonObject[] {
  let seenOther = false;
  let needsSort = false;
  for (const block of content) {
    if (block.type !== 'tool_result') seenOther = true;
    else if (seenOther) needsSort = true;
  }
  if (!needsSort) return content;
  return [...content.filter((b) => b.type === 'tool_result'), ...content.filter((b) => b.type !== 'tool_result')];
}

function turnContent(turn: Turn): unknown {
  const only = turn.content.length === 1 ? turn.content[0] : undefined;
  const keepBlocks = ours(turn.single?.providerMetadata)[BLOCKS_KEY] === true;
  if (turn.single !== undefined && !keepBlocks && only?.type === 'text' && Object.keys(only).length === 2) {
    return only.text;
  }
  return turn.role === 'user' ? resultsFirst(turn.content) : turn.content;
}

function thinkingConfig(
  request: CanonicalRequest,
  meta: JsonObject,
  body: JsonObject,
  warnings: TranslationWarning[],
): void {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return;
  if (!reasoning.enabled || reasoning.effort === 'none' || reasoning.budgetTokens === 0) {
    body.thinking = { type: 'disabled' };
    return;
  }
  // Raw Anthropic settings (adaptive thinking, output_config.effort) are restored from providerMetadata.
  if (meta.thinking !== undefined) return;
  if (reasoning.budgetTokens === undefined && obj(meta.output_config)?.effort !== undefined) return;
  let budget = reasoning.budgetTokens ?? effortToBudget(reasoning.effort ?? 'medium');
  if (budget < 0) budget = effortToBudget('medium');
  budget = Math.max(MIN_THINKING_BUDGET, budget);
  const maxTokens = body.max_tokens as number;
  if (request.maxOutputTokens === undefined) {
    body.max_tokens = budget + DEFAULT_MAX_TOKENS;
  } else if (budget >= maxTokens) {
    if (maxTokens <= MIN_THINKING_BUDGET) {
      warnings.push({
        code: 'unsupported-setting',
        message: `Thinking needs max_tokens above ${MIN_THINKING_BUDGET}; it was left off`,
      });
      return;
    }
    budget = maxTokens - 1;
  }
  body.thinking = { type: 'enabled', budget_tokens: budget };
}

/** A system message that stood inside Anthropic `messages`: it goes back there, in place. */
function isInPlace(message: CanonicalMessage): boolean {
  return message.role === 'system' && ours(message.providerMetadata)[IN_PLACE_KEY] === true;
}

/**
 * Sampling settings current Claude models refuse, fixed with a warning each (`sampling-adjusted`):
 * `temperature` and `top_p` together (400 "cannot both be specified": temperature is kept); and with
 * thinking on, a temperature other than 1, any `top_k`, and a `top_p` below 0.95.
 * @see https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility
 */
function samplingRules(body: JsonObject, warnings: TranslationWarning[]): void {
  const adjust = (message: string) => warnings.push({ code: 'sampling-adjusted', message });
  if (body.temperature !== undefined && body.top_p !== undefined) {
    delete body.top_p;
    adjust('Claude takes temperature or top_p, not both: top_p was dropped');
  }
  const thinking = obj(body.thinking);
  if (thinking === undefined || thinking.type === 'disabled') return;
  const choice = obj(body.tool_choice);
  if (choice?.type === 'any' || choice?.type === 'tool') {
    delete body.thinking;
    adjust('Claude cannot think when a tool call is forced: thinking was left off');
    return;
  }
  if (body.temperature !== undefined && body.temperature !== 1) {
    delete body.temperature;
    adjust('Claude with thinking takes only temperature 1: temperature was dropped');
  }
  if (body.top_k !== undefined) {
    delete body.top_k;
    adjust('Claude with thinking takes no top_k: it was dropped');
  }
  if (typeof body.top_p === 'number' && body.top_p < 0.95) {
    body.top_p = 0.95;
    adjust('Claude with thinking takes top_p between 0.95 and 1: it was raised to 0.95');
  }
}

function systemBlocks(
  request: CanonicalRequest,
  warnings: TranslationWarning[],
): { blocks: JsonObject[]; plain: boolean } {
  const blocks: JsonObject[] = [];
  let plain = true;
  let seenOther = false;
  let hoisted = false;
  for (const message of request.messages) {
    if (message.role !== 'system') {
      seenOther = true;
      continue;
    }
    if (isInPlace(message)) continue;
    if (seenOther) hoisted = true;
    if (ours(message.providerMetadata)[BLOCKS_KEY] === true) plain = false;
    for (const part of message.content) {
      const block = textFromCanonical(part);
      if (part.providerMetadata !== undefined) plain = false;
      blocks.push(block);
    }
  }
  if (hoisted) {
    warnings.push({
      code: 'system-hoisted',
      message: 'System messages after the first turn were moved into the system prompt (Anthropic has one)',
    });
  }
  const format = request.responseFormat;
  if (format?.type === 'json') {
    plain = false;
    const schema = format.schema === undefined ? '' : `\n${JSON.stringify(format.schema)}`;
    blocks.push({
      type: 'text',
      text:
        format.schema === undefined
          ? 'Respond only with a valid JSON value, with no other text.'
          : `Respond only with a JSON value, with no other text, that conforms to this JSON Schema:${schema}`,
    });
    warnings.push({
      code: 'response-format-emulated',
      message: 'The JSON response format was turned into a system instruction; the output is not enforced',
    });
  }
  return { blocks, plain };
}

/**
 * A canonical request → Anthropic Messages request body.
 *
 * - System messages anywhere in the conversation are hoisted, in order, into `system` (warning
 *   `system-hoisted` when one came after the first turn): Anthropic has a single system prompt, and
 *   moving it keeps the instruction an instruction, where user text would weaken it.
 * - Consecutive same-role turns merge (Anthropic requires alternation); tool results go in a user turn,
 *   ahead of any text.
 * - Reasoning from another family than `options.targetProvider`'s (when that is Anthropic), and any
 *   reasoning without a signature, is never sent as a thinking block: dropped, or plain text with
 *   `options.foreignThinking: 'text'`. For non-Anthropic targets (the mock) tagged signatures are kept.
 * - `max_tokens` defaults to {@link DEFAULT_MAX_TOKENS}; effort-only reasoning gets the budget of
 *   `reasoning.ts`'s table, at least 1024 and below `max_tokens`.
 * - A JSON response format becomes a system instruction (warning `response-format-emulated`), unless
 *   the request came from Anthropic with `output_config`, which is restored as is.
 * - `seed`, penalties and image `detail` have no Anthropic counterpart: warnings / dropped.
 * - `tool_choice` is only sent with tools (Anthropic rejects it alone).
 *
 * @example
 * ```ts
 * const { value } = requestFromCanonical({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
 *   { targetProvider: 'anthropic' });
 * // { max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] }
 * ```
 */
export function requestFromCanonical(
  request: CanonicalRequest,
  options: FromCanonicalOptions,
): Converted<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const meta = ours(request.providerMetadata);
  const family = providerFamily(options.targetProvider);
  const body: JsonObject = {};
  if (request.model !== undefined) body.model = request.model;
  body.max_tokens = request.maxOutputTokens ?? DEFAULT_MAX_TOKENS;

  const native = meta.output_config !== undefined || meta.output_format !== undefined;
  // A JSON schema is enforced by structured outputs; plain JSON mode has no Anthropic switch, so it is asked for.
  const schema = request.responseFormat?.type === 'json' ? request.responseFormat.schema : undefined;
  const enforced = !native && schema !== undefined;
  const { blocks, plain } = systemBlocks(
    native || enforced ? { ...request, responseFormat: undefined } : request,
    warnings,
  );
  if (enforced) body.output_config = { format: { type: 'json_schema', schema } };

  const turns: Turn[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        if (isInPlace(message)) pushTurn(turns, 'system', message.content.map(textFromCanonical), message);
        break;
      case 'user': {
        const content: JsonObject[] = [];
        for (const part of message.content) {
          if (part.type === 'text') content.push(textFromCanonical(part));
          else if (part.type === 'image') content.push(imageFromCanonical(part));
          else {
            const block = fileFromCanonical(part, warnings);
            if (block !== undefined) content.push(block);
          }
        }
        pushTurn(turns, 'user', content, message);
        break;
      }
      case 'assistant': {
        const content: JsonObject[] = [];
        for (const part of message.content) {
          if (part.type === 'text') content.push(textFromCanonical(part));
          else if (part.type === 'tool-call') content.push(toolUseFromCanonical(part, warnings));
          else reasoningBlock(part, family, options, content, warnings);
        }
        pushTurn(turns, 'assistant', content, message);
        break;
      }
      case 'tool': {
        const content: JsonObject[] = [];
        for (const part of message.content) {
          const block: JsonObject = { type: 'tool_result', tool_use_id: part.toolCallId };
          if (typeof part.content === 'string') block.content = part.content;
          else {
            const inner: JsonObject[] = [];
            for (const item of part.content) {
              if (item.type === 'text') inner.push(textFromCanonical(item));
              else if (item.type === 'image') inner.push(imageFromCanonical(item));
              else {
                const doc = fileFromCanonical(item, warnings);
                if (doc !== undefined) inner.push(doc);
              }
            }
            block.content = inner;
          }
          if (part.isError) block.is_error = true;
          content.push(applyExtras(block, part.providerMetadata));
        }
        pushTurn(turns, 'user', content, message);
        break;
      }
    }
  }
  body.messages = turns.map((turn) => ({ role: turn.role, content: turnContent(turn) }));
  if (blocks.length > 0) {
    body.system = plain && blocks.length === 1 ? blocks[0]?.text : blocks;
  }

  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    body.stop_sequences = request.stopSequences;
  }
  if (request.stream !== undefined) body.stream = request.stream;
  if (request.user !== undefined) body.metadata = { user_id: request.user };

  const tools = toolsFromCanonical(request, meta);
  if (tools !== undefined) {
    body.tools = tools;
    const choice = toolChoiceFromCanonical(request, meta);
    if (choice !== undefined) body.tool_choice = choice;
  }
  thinkingConfig(request, meta, body, warnings);
  samplingRules(body, warnings);

  if (request.seed !== undefined) {
    warnings.push({ code: 'unsupported-setting', message: 'Anthropic has no seed; it was dropped' });
  }
  if (request.presencePenalty !== undefined || request.frequencyPenalty !== undefined) {
    warnings.push({ code: 'unsupported-setting', message: 'Anthropic has no presence/frequency penalty; dropped' });
  }
  applyExtras(body, request.providerMetadata, BOOKKEEPING);
  return { value: body, warnings };
}
