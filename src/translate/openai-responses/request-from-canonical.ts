import { dropAnthropicOnly } from '../anthropic-only.js';
import type {
  AssistantContent,
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  FromCanonicalOptions,
  ReasoningConfig,
  ReasoningOrigin,
  ReasoningPart,
  ResponseFormat,
  TextPart,
  TranslationWarning,
} from '../canonical.js';
import { type JsonObject, str } from '../json.js';
import { budgetToEffort, providerFamily } from '../reasoning.js';
import { partFromCanonical, summaryOf } from './content.js';
import { KEPT_REQUEST_FIELDS, KEY, ours } from './metadata.js';
import { toolChoiceFromCanonical, toolsFromCanonical } from './tools.js';

/**
 * A canonical request as a Responses request body. What Responses cannot say (stop sequences, top_k,
 * seed, penalties) is dropped with a warning; reasoning from another provider family is never sent as a
 * reasoning item (dropped, or plain text with `foreignThinking: 'text'`). A request from another dialect
 * that asks for reasoning gets `store: false` and `include: ['reasoning.encrypted_content']`, so the
 * reasoning comes back encrypted and the next turn can replay it without server-side state.
 */
export function requestFromCanonical(
  request: CanonicalRequest,
  options: FromCanonicalOptions,
): Converted<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const meta = request.providerMetadata?.[KEY];
  const sameDialect = meta !== undefined;
  const kept = meta ?? {};
  const { instructions, input } = messagesToInput(
    request.messages,
    options,
    sameDialect && kept.store !== false,
    warnings,
  );

  const body: JsonObject = {};
  if (request.model !== undefined) body.model = request.model;
  if (instructions !== undefined) body.instructions = instructions;
  body.input = input;

  // Namespaced tools travel inside their `namespace` tool, restored from the kept built-in tools.
  const tools = toolsFromCanonical(request.tools ?? [], kept, sameDialect);
  if (tools.length > 0) body.tools = tools;
  if (kept.toolChoice !== undefined) body.tool_choice = kept.toolChoice;
  else if (request.toolChoice) body.tool_choice = toolChoiceFromCanonical(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;

  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;

  const text: JsonObject = {};
  if (request.responseFormat) text.format = formatFromCanonical(request.responseFormat);
  if (kept.verbosity !== undefined) text.verbosity = kept.verbosity;
  if (Object.keys(text).length > 0) body.text = text;

  const reasoning = reasoningFromCanonical(request.reasoning);
  if (reasoning) body.reasoning = reasoning;

  const { dropUser } = dropAnthropicOnly(request, 'OpenAI Responses', warnings);
  if (request.user !== undefined && !dropUser && request.user !== kept.safety_identifier) body.user = request.user;
  if (request.stream) body.stream = true;

  for (const key of KEPT_REQUEST_FIELDS) if (kept[key] !== undefined) body[key] = kept[key];
  if (!sameDialect && reasoning && reasoning.effort !== 'none') {
    body.store = false;
    body.include = ['reasoning.encrypted_content'];
  }

  for (const [field, present] of [
    ['stop sequences', request.stopSequences !== undefined && request.stopSequences.length > 0],
    ['top_k', request.topK !== undefined],
    ['seed', request.seed !== undefined],
    ['presence_penalty', request.presencePenalty !== undefined],
    ['frequency_penalty', request.frequencyPenalty !== undefined],
  ] as const) {
    if (present) warnings.push({ code: 'unsupported-setting', message: `OpenAI Responses has no ${field}; dropped` });
  }
  return { value: body, warnings };
}

function formatFromCanonical(format: ResponseFormat): JsonObject {
  if (format.type === 'text') return { type: 'text' };
  if (!format.schema) return { type: 'json_object' };
  const out: JsonObject = { type: 'json_schema', name: format.name ?? 'response', schema: format.schema };
  if (format.description !== undefined) out.description = format.description;
  if (format.strict !== undefined) out.strict = format.strict;
  return out;
}

function reasoningFromCanonical(reasoning: ReasoningConfig | undefined): JsonObject | undefined {
  if (!reasoning) return undefined;
  const out: JsonObject = {};
  if (reasoning.effort !== undefined) out.effort = reasoning.effort;
  else if (reasoning.enabled && reasoning.budgetTokens !== undefined)
    out.effort = budgetToEffort(reasoning.budgetTokens);
  // `enabled: false` without an effort (thinking turned off elsewhere) sends nothing: `effort: 'none'`
  // is refused by the o-series models, and leaving reasoning out is the closest match everywhere.
  if (!reasoning.enabled && reasoning.effort === undefined) return undefined;
  const summary = reasoning.summary ?? (reasoning.includeThoughts ? 'auto' : undefined);
  if (summary !== undefined) out.summary = summary;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The result of {@link messagesToInput}. */
interface ConvertedInput {
  instructions: string | undefined;
  input: JsonObject[];
}

/**
 * Canonical messages as Responses `instructions` and `input` items. System messages that came from
 * `instructions` (or lead a conversation from another dialect) become `instructions`; others stay in
 * place as `system` / `developer` messages.
 */
function messagesToInput(
  messages: readonly CanonicalMessage[],
  options: FromCanonicalOptions,
  keepUnsignedReasoning: boolean,
  warnings: TranslationWarning[],
): ConvertedInput {
  const instructions: string[] = [];
  const input: JsonObject[] = [];
  const family: ReasoningOrigin | undefined =
    options.targetProvider === undefined ? 'openai' : providerFamily(options.targetProvider);
  let leading = true;
  for (const message of messages) {
    switch (message.role) {
      case 'system': {
        const meta = ours(message.providerMetadata);
        const role = str(meta.role);
        if (meta.instructions === true || (leading && role === undefined)) {
          instructions.push(message.content.map((part) => part.text).join('\n\n'));
          continue;
        }
        input.push({
          type: 'message',
          role: role ?? 'developer',
          content: message.content.map((part) => ({ type: 'input_text', text: part.text })),
        });
        break;
      }
      case 'user':
        input.push({ type: 'message', role: 'user', content: message.content.map(partFromCanonical) });
        break;
      case 'assistant':
        assistantToItems(message.content, family, options, keepUnsignedReasoning, input, warnings);
        break;
      case 'tool':
        for (const result of message.content) {
          const item: JsonObject = {
            type: 'function_call_output',
            call_id: result.toolCallId,
            output: typeof result.content === 'string' ? result.content : result.content.map(partFromCanonical),
          };
          const itemId = str(ours(result.providerMetadata).itemId);
          if (itemId !== undefined) item.id = itemId;
          input.push(item);
        }
        break;
    }
    leading = false;
  }
  return { instructions: instructions.length > 0 ? instructions.join('\n\n') : undefined, input };
}

function assistantToItems(
  content: readonly AssistantContent[],
  family: ReasoningOrigin | undefined,
  options: FromCanonicalOptions,
  keepUnsignedReasoning: boolean,
  input: JsonObject[],
  warnings: TranslationWarning[],
): void {
  let message: JsonObject | undefined;
  let messageParts: JsonObject[] = [];
  let messageId: string | undefined;
  const text = (part: TextPart) => {
    const meta = ours(part.providerMetadata);
    const id = str(meta.messageId);
    if (!message || id !== messageId) {
      messageParts = [];
      messageId = id;
      message = compactMessage(id, str(meta.phase), messageParts);
      input.push(message);
    }
    messageParts.push(
      meta.refusal === true
        ? { type: 'refusal', refusal: part.text }
        : {
            type: 'output_text',
            text: part.text,
            annotations: Array.isArray(meta.annotations) ? meta.annotations : [],
          },
    );
  };
  for (const part of content) {
    if (part.type === 'text') {
      text(part);
      continue;
    }
    message = undefined;
    if (part.type === 'tool-call') {
      const meta = ours(part.providerMetadata);
      const namespace = str(meta.namespace);
      const item: JsonObject = {
        type: 'function_call',
        call_id: part.id,
        name: (namespace !== undefined && str(meta.localName)) || part.name,
        arguments: part.arguments,
      };
      if (namespace !== undefined) item.namespace = namespace;
      const itemId = str(meta.itemId);
      if (itemId !== undefined) item.id = itemId;
      input.push(item);
      continue;
    }
    const reasoning = reasoningToItem(part, family, keepUnsignedReasoning);
    if (reasoning) {
      input.push(reasoning);
    } else if (part.origin !== 'openai' || family !== 'openai') {
      // Thinking from another family can never be replayed as a reasoning item: OpenAI would reject it.
      if (options.foreignThinking === 'text' && part.text !== '') {
        text({ type: 'text', text: part.text });
        warnings.push({
          code: 'foreign-thinking-as-text',
          message: `Reasoning from ${part.origin ?? 'another provider'} was sent as plain assistant text`,
        });
      } else if (part.text !== '' || part.signature !== undefined || part.redactedData !== undefined) {
        warnings.push({
          code: 'foreign-thinking-dropped',
          message: `Reasoning from ${part.origin ?? 'another provider'} cannot be replayed to OpenAI and was dropped`,
        });
      }
    }
    // OpenAI reasoning without encrypted content: OpenAI keeps (or has discarded) it server-side and
    // does not need it back to continue, so dropping it does no harm.
  }
}

function compactMessage(id: string | undefined, phase: string | undefined, content: JsonObject[]): JsonObject {
  const message: JsonObject = { type: 'message', role: 'assistant', content };
  if (id !== undefined) {
    message.id = id;
    message.status = 'completed';
  }
  if (phase !== undefined) message.phase = phase;
  return message;
}

/**
 * A canonical reasoning part as a reasoning input item, or undefined when it must not be sent: only
 * OpenAI's own encrypted reasoning is replayed (to an OpenAI-family target). An unsigned OpenAI item is
 * kept by reference (its id) only when `keepUnsignedReasoning` (stored responses on a same-dialect trip).
 */
function reasoningToItem(
  part: ReasoningPart,
  family: ReasoningOrigin | undefined,
  keepUnsignedReasoning: boolean,
): JsonObject | undefined {
  if (part.origin !== 'openai' || family !== 'openai') return undefined;
  if (part.signature === undefined && !(keepUnsignedReasoning && part.id !== undefined)) return undefined;
  const meta = ours(part.providerMetadata);
  const item: JsonObject = { type: 'reasoning' };
  if (part.id !== undefined) item.id = part.id;
  item.summary = meta.noSummary === true ? [] : summaryOf(part.text, meta.summary);
  if (Array.isArray(meta.content)) item.content = meta.content;
  if (part.signature !== undefined) item.encrypted_content = part.signature;
  return item;
}
