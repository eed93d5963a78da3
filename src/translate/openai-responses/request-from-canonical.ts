import type {
  AssistantContent,
  CanonicalMessage,
  FromCanonicalOptions,
  ReasoningOrigin,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, str } from '../json.js';
import { providerFamily, untagSignature } from '../reasoning.js';
import { flattenToolName } from '../tool-names.js';
import { inputPartToCanonical, partFromCanonical, requireString } from './convert-content.js';
import { ours, withOurs } from './metadata.js';

type ToolMessage = Extract<CanonicalMessage, { role: 'tool' }>;
type AssistantMessage = Extract<CanonicalMessage, { role: 'assistant' }>;

/**
 * Responses `input` (a string, or a list of items) as canonical messages. Consecutive assistant-side
 * items (assistant messages, `reasoning`, `function_call`) merge into one assistant turn, consecutive
 * `function_call_output` items into one `tool` message, as the other dialects want them.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function inputToMessages(input: unknown, warnings: TranslationWarning[]): CanonicalMessage[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) invalid('input', 'must be a string or an array of items');
  const messages: CanonicalMessage[] = [];
  const names = new Map<string, string>();
  let assistant: AssistantMessage | undefined;
  let tool: ToolMessage | undefined;
  const assistantTurn = (): AssistantMessage => {
    tool = undefined;
    if (!assistant) {
      assistant = { role: 'assistant', content: [] };
      messages.push(assistant);
    }
    return assistant;
  };
  const other = (message: CanonicalMessage) => {
    assistant = undefined;
    tool = undefined;
    messages.push(message);
  };

  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    const field = `input[${i}]`;
    if (!isRecord(item)) invalid(field, 'must be an object');
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'assistant') {
          assistantTurn().content.push(...assistantContent(item, field));
        } else if (role === 'user') {
          other({ role: 'user', content: userContent(item.content, `${field}.content`, warnings) });
        } else if (role === 'system' || role === 'developer') {
          const content = userContent(item.content, `${field}.content`, warnings).filter(
            (part): part is TextPart => part.type === 'text',
          );
          other({ role: 'system', content, providerMetadata: { 'openai-responses': { role } } });
        } else {
          invalid(`${field}.role`, "must be 'user', 'assistant', 'system' or 'developer'");
        }
        break;
      }
      case 'function_call': {
        const local = requireString(item.name, `${field}.name`);
        const namespace = str(item.namespace);
        const call: ToolCallPart = {
          type: 'tool-call',
          id: requireString(item.call_id, `${field}.call_id`),
          // A namespaced tool's call goes to other dialects under the flattened name it was declared as.
          name: namespace === undefined ? local : flattenToolName(namespace, local),
          arguments: argumentsText(item.arguments),
        };
        const metadata = withOurs({ itemId: str(item.id), namespace, localName: namespace && local });
        if (metadata) call.providerMetadata = metadata;
        names.set(call.id, call.name);
        assistantTurn().content.push(call);
        break;
      }
      case 'function_call_output': {
        const callId = requireString(item.call_id, `${field}.call_id`);
        const result: ToolResultPart = {
          type: 'tool-result',
          toolCallId: callId,
          content: toolOutput(item.output, `${field}.output`, warnings),
        };
        const name = names.get(callId);
        if (name !== undefined) result.name = name;
        const metadata = withOurs({ itemId: str(item.id) });
        if (metadata) result.providerMetadata = metadata;
        assistant = undefined;
        if (!tool) {
          tool = { role: 'tool', content: [] };
          messages.push(tool);
        }
        tool.content.push(result);
        break;
      }
      case 'reasoning':
        assistantTurn().content.push(reasoningToCanonical(item));
        break;
      default:
        warnings.push({
          code: 'dropped-content',
          message: `Input item '${String(type)}' at ${field} has no canonical counterpart and was dropped`,
        });
    }
  }
  return messages;
}

function userContent(content: unknown, field: string, warnings: TranslationWarning[]): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) invalid(field, 'must be a string or an array of content parts');
  const out: UserContent[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = inputPartToCanonical(content[j], `${field}[${j}]`, warnings);
    if (part) out.push(part);
  }
  return out;
}

function assistantContent(item: JsonObject, field: string): TextPart[] {
  const messageId = str(item.id);
  const phase = str(item.phase);
  const content = item.content;
  if (typeof content === 'string') {
    const part: TextPart = { type: 'text', text: content };
    const metadata = withOurs({ messageId, phase });
    if (metadata) part.providerMetadata = metadata;
    return [part];
  }
  if (!Array.isArray(content)) invalid(`${field}.content`, 'must be a string or an array of content parts');
  const out: TextPart[] = [];
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    const partField = `${field}.content[${j}]`;
    if (!isRecord(part)) invalid(partField, 'must be an object');
    const refusal = part.type === 'refusal';
    const text = requireString(refusal ? part.refusal : part.text, `${partField}.${refusal ? 'refusal' : 'text'}`);
    const annotations = arr(part.annotations);
    const metadata = withOurs({
      messageId,
      phase,
      refusal: refusal || undefined,
      annotations: annotations.length > 0 ? annotations : undefined,
    });
    out.push(metadata ? { type: 'text', text, providerMetadata: metadata } : { type: 'text', text });
  }
  return out;
}

function toolOutput(
  output: unknown,
  field: string,
  warnings: TranslationWarning[],
): string | Array<Exclude<UserContent, never>> {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) invalid(field, 'must be a string or an array of content parts');
  const out: UserContent[] = [];
  for (let j = 0; j < output.length; j++) {
    const part = inputPartToCanonical(output[j], `${field}[${j}]`, warnings);
    if (part) out.push(part);
  }
  return out;
}

function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  // Lenient: some clients send the arguments as an object.
  return isRecord(value) ? JSON.stringify(value) : '';
}

/** A reasoning item (input or output) as a canonical reasoning part. */
export function reasoningToCanonical(item: JsonObject): ReasoningPart {
  const summaries: string[] = [];
  for (const entry of arr(item.summary)) {
    const text = isRecord(entry) ? str(entry.text) : undefined;
    if (text !== undefined) summaries.push(text);
  }
  const contents: string[] = [];
  for (const entry of arr(item.content)) {
    const text = isRecord(entry) ? str(entry.text) : undefined;
    if (text !== undefined) contents.push(text);
  }
  // The summary is what OpenAI shows; raw reasoning text (open-weight models) stands in when there is none.
  const text = summaries.length > 0 ? summaries.join('\n\n') : contents.join('\n\n');
  const part: ReasoningPart = { type: 'reasoning', text, origin: 'openai' };
  const encrypted = str(item.encrypted_content);
  if (encrypted) {
    const { origin, signature } = untagSignature(encrypted, 'openai');
    part.signature = signature;
    part.origin = origin;
  }
  const id = str(item.id);
  if (id !== undefined) part.id = id;
  const metadata = withOurs({
    // Kept only when joining would lose the structure.
    summary: summaries.length > 1 ? summaries : undefined,
    noSummary: summaries.length === 0 && contents.length > 0 ? true : undefined,
    content: contents.length > 0 ? arr(item.content) : undefined,
    status: str(item.status),
  });
  if (metadata) part.providerMetadata = metadata;
  return part;
}

/** The result of {@link messagesToInput}. */
export interface ConvertedInput {
  instructions: string | undefined;
  input: JsonObject[];
}

/**
 * Canonical messages as Responses `instructions` and `input` items. System messages that came from
 * `instructions` (or lead a conversation from another dialect) become `instructions`; others stay in
 * place as `system` / `developer` messages.
 */
export function messagesToInput(
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

/** The `summary` list of a reasoning item for canonical text (split back when it was joined). */
export function summaryOf(text: string, kept: unknown): JsonObject[] {
  const parts = Array.isArray(kept) && kept.every((entry) => typeof entry === 'string') ? (kept as string[]) : [];
  const texts = parts.length > 0 && parts.join('\n\n') === text ? parts : text === '' ? [] : [text];
  return texts.map((entry) => ({ type: 'summary_text', text: entry }));
}
