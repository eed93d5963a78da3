import type {
  AssistantContent,
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  ReasoningConfig,
  ReasoningEffort,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, obj, str } from '../json.js';
import {
  documentToCanonical,
  imageToCanonical,
  textToCanonical,
  thinkingToCanonical,
  toolUseToCanonical,
} from './content.js';
import { BLOCKS_KEY, extras, IN_PLACE_KEY, KEY, toMetadata, USER_METADATA_KEY } from './metadata.js';
import { toolChoiceToCanonical, toolsToCanonical } from './tools.js';

/** Request fields this converter maps; every other top-level field is kept in `providerMetadata`. */
const KNOWN = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'metadata',
  'tools',
  'tool_choice',
  'thinking',
]);
const TOOL_RESULT_KEYS = new Set(['type', 'tool_use_id', 'content', 'is_error']);
/** This dialect's metadata bag of a message, created when missing. */
function fromMetadataOf(message: CanonicalMessage): JsonObject {
  message.providerMetadata ??= {};
  const bag = message.providerMetadata[KEY] ?? {};
  message.providerMetadata[KEY] = bag;
  return bag;
}

/** A number field: undefined when absent or null, InvalidRequestError when of another type. */
function optionalNumber(body: JsonObject, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(key, 'must be a number');
  return value;
}

function systemToCanonical(system: unknown, field = 'system'): CanonicalMessage | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string')
    return system === '' ? undefined : { role: 'system', content: [{ type: 'text', text: system }] };
  if (!Array.isArray(system)) return invalid(field, 'must be a string or an array of text blocks');
  const content: TextPart[] = [];
  for (let i = 0; i < system.length; i++) {
    const block = system[i];
    if (!isRecord(block) || block.type !== 'text') invalid(`${field}[${i}]`, "must be a block of type 'text'");
    content.push(textToCanonical(block, `${field}[${i}]`));
  }
  return content.length === 0
    ? undefined
    : { role: 'system', content, providerMetadata: { [KEY]: { [BLOCKS_KEY]: true } } };
}

/** Reads `messages`: user turns split into user and tool messages, assistant turns as they are. */
function messagesToCanonical(raw: unknown, out: CanonicalMessage[], warnings: TranslationWarning[]): void {
  if (!Array.isArray(raw)) invalid('messages', 'must be an array');
  // Tool results do not name their tool; Gemini needs the name, so remember it from the tool_use.
  const toolNames = new Map<string, string>();
  for (let m = 0; m < raw.length; m++) {
    const message = raw[m];
    const field = `messages[${m}]`;
    if (!isRecord(message)) invalid(field, 'must be an object');
    const role = message.role;
    if (role === 'system') {
      // Claude Code's `mid-conversation-system` beta: a system message in place, kept there for Anthropic.
      const system = systemToCanonical(message.content, `${field}.content`);
      if (system !== undefined) {
        const meta = fromMetadataOf(system);
        meta[IN_PLACE_KEY] = true;
        out.push(system);
      }
      continue;
    }
    if (role !== 'user' && role !== 'assistant') invalid(`${field}.role`, "must be 'user', 'assistant' or 'system'");
    const content = message.content;
    if (typeof content === 'string') {
      out.push({ role, content: [{ type: 'text', text: content }] });
      continue;
    }
    if (!Array.isArray(content)) invalid(`${field}.content`, 'must be a string or an array of content blocks');
    const start = out.length;
    if (role === 'assistant') {
      const parts: AssistantContent[] = [];
      for (let b = 0; b < content.length; b++) {
        const block = content[b];
        const at = `${field}.content[${b}]`;
        if (!isRecord(block) || typeof block.type !== 'string') invalid(at, 'must be an object with a type');
        switch (block.type) {
          case 'text':
            parts.push(textToCanonical(block, at));
            break;
          case 'thinking':
          case 'redacted_thinking':
            parts.push(thinkingToCanonical(block, at));
            break;
          case 'tool_use': {
            const call = toolUseToCanonical(block, at);
            toolNames.set(call.id, call.name);
            parts.push(call);
            break;
          }
          default:
            warnings.push({ code: 'dropped-content', message: `${at}: '${block.type}' blocks are not translated` });
        }
      }
      out.push({ role: 'assistant', content: parts });
    } else {
      let user: UserContent[] | undefined;
      let results: ToolResultPart[] | undefined;
      for (let b = 0; b < content.length; b++) {
        const block = content[b];
        const at = `${field}.content[${b}]`;
        if (!isRecord(block) || typeof block.type !== 'string') invalid(at, 'must be an object with a type');
        if (block.type === 'tool_result') {
          if (user !== undefined) {
            out.push({ role: 'user', content: user });
            user = undefined;
          }
          if (results === undefined) results = [];
          results.push(toolResultToCanonical(block, at, toolNames, warnings));
          continue;
        }
        const part = userBlockToCanonical(block, at, warnings);
        if (part === undefined) continue;
        if (results !== undefined) {
          out.push({ role: 'tool', content: results });
          results = undefined;
        }
        if (user === undefined) user = [];
        user.push(part);
      }
      if (results !== undefined) out.push({ role: 'tool', content: results });
      if (user !== undefined) out.push({ role: 'user', content: user });
      if (out.length === start) out.push({ role: 'user', content: [] });
    }
    // A one-text-block array is remembered so the trip back writes an array again, not a string.
    const only = content.length === 1 ? out[start] : undefined;
    if (
      only !== undefined &&
      out.length === start + 1 &&
      only.content.length === 1 &&
      only.content[0]?.type === 'text'
    ) {
      only.providerMetadata = { [KEY]: { [BLOCKS_KEY]: true } };
    }
  }
}

function userBlockToCanonical(block: JsonObject, at: string, warnings: TranslationWarning[]): UserContent | undefined {
  switch (block.type) {
    case 'text':
      return textToCanonical(block, at);
    case 'image':
      return imageToCanonical(block, at);
    case 'document':
      return documentToCanonical(block, at, warnings);
    default:
      warnings.push({ code: 'dropped-content', message: `${at}: '${String(block.type)}' blocks are not translated` });
      return undefined;
  }
}

function toolResultToCanonical(
  block: JsonObject,
  at: string,
  toolNames: ReadonlyMap<string, string>,
  warnings: TranslationWarning[],
): ToolResultPart {
  const toolCallId = str(block.tool_use_id);
  if (toolCallId === undefined) invalid(`${at}.tool_use_id`, 'must be a string');
  const raw = block.content;
  let content: ToolResultPart['content'];
  if (raw === undefined || raw === null) content = '';
  else if (typeof raw === 'string') content = raw;
  else if (Array.isArray(raw)) {
    const parts: Array<TextPart | UserContent> = [];
    for (let i = 0; i < raw.length; i++) {
      const item = raw[i];
      const field = `${at}.content[${i}]`;
      if (!isRecord(item) || typeof item.type !== 'string') invalid(field, 'must be an object with a type');
      const part = userBlockToCanonical(item, field, warnings);
      if (part !== undefined) parts.push(part);
    }
    content = parts;
  } else return invalid(`${at}.content`, 'must be a string or an array of content blocks');
  const part: ToolResultPart = { type: 'tool-result', toolCallId, content };
  const name = toolNames.get(toolCallId);
  if (name !== undefined) part.name = name;
  if (block.is_error === true) part.isError = true;
  const meta = toMetadata(extras(block, TOOL_RESULT_KEYS));
  if (meta !== undefined) part.providerMetadata = meta;
  return part;
}

const OUTPUT_EFFORTS: Record<string, ReasoningEffort> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
};

/**
 * `thinking` → canonical reasoning. `adaptive` (and any newer type) is kept raw in providerMetadata so
 * an Anthropic upstream gets it back; `output_config.effort` fills the canonical effort.
 */
function reasoningToCanonical(body: JsonObject, meta: JsonObject): ReasoningConfig | undefined {
  const thinking = body.thinking;
  let reasoning: ReasoningConfig | undefined;
  if (thinking !== undefined && thinking !== null) {
    if (!isRecord(thinking)) invalid('thinking', 'must be an object');
    if (thinking.type === 'enabled') {
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isFinite(budget)) invalid('thinking.budget_tokens', 'must be a number');
      reasoning = { enabled: true, budgetTokens: budget };
    } else if (thinking.type === 'disabled') {
      reasoning = { enabled: false };
    } else {
      // `adaptive`: the model decides how much to think, and shows it (summarised).
      reasoning = { enabled: true };
      if (thinking.type === 'adaptive') reasoning.includeThoughts = true;
      meta.thinking = thinking;
    }
  }
  const outputConfig = obj(body.output_config);
  const effort = OUTPUT_EFFORTS[str(outputConfig?.effort) ?? ''];
  if (effort !== undefined) {
    if (reasoning === undefined) reasoning = { enabled: true, effort };
    else if (reasoning.enabled) reasoning.effort = effort;
  }
  return reasoning;
}

/**
 * An Anthropic Messages request body → canonical request. Throws `InvalidRequestError` naming the field
 * for input that cannot be represented; what is dropped comes back as warnings.
 *
 * - `system` (string or text blocks) becomes one leading system message; `cache_control` rides along.
 * - A user turn becomes `tool` messages (its `tool_result` blocks) and `user` messages (the rest), in order.
 * - Thinking signatures are untagged (`untagSignature(sig, 'anthropic')`): raw ones are Anthropic's.
 * - `output_config.format` (structured outputs) becomes `responseFormat`; the raw `output_config` is kept.
 * - Anthropic tool types (web_search, bash, ...) and unknown top-level fields are kept in
 *   `providerMetadata['anthropic-messages']` for an Anthropic upstream.
 *
 * @example
 * ```ts
 * const { value } = requestToCanonical({ model: 'claude-sonnet-4-5', max_tokens: 1024,
 *   messages: [{ role: 'user', content: 'Hello' }] });
 * ```
 */
export function requestToCanonical(body: Record<string, unknown>): Converted<CanonicalRequest> {
  const warnings: TranslationWarning[] = [];
  const messages: CanonicalMessage[] = [];
  const system = systemToCanonical(body.system);
  if (system !== undefined) messages.push(system);
  messagesToCanonical(body.messages, messages, warnings);
  const request: CanonicalRequest = { messages };
  const meta: JsonObject = extras(body, KNOWN) ?? {};

  if (body.model !== undefined && body.model !== null) {
    if (typeof body.model !== 'string') invalid('model', 'must be a string');
    request.model = body.model;
  }
  const maxTokens = optionalNumber(body, 'max_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p');
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body, 'top_k');
  if (topK !== undefined) request.topK = topK;
  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    const stops = arr(body.stop_sequences);
    if (!Array.isArray(body.stop_sequences) || stops.some((s) => typeof s !== 'string')) {
      invalid('stop_sequences', 'must be an array of strings');
    }
    request.stopSequences = stops as string[];
  }
  if (typeof body.stream === 'boolean') request.stream = body.stream;
  const metadata = body.metadata;
  if (metadata !== undefined && metadata !== null) {
    if (!isRecord(metadata)) invalid('metadata', 'must be an object');
    const user = str(metadata.user_id);
    if (user !== undefined) {
      request.user = user;
      meta[USER_METADATA_KEY] = true;
    }
  }

  const tools = toolsToCanonical(body.tools, meta, warnings);
  if (tools !== undefined) request.tools = tools;
  toolChoiceToCanonical(body.tool_choice, request, meta);
  const reasoning = reasoningToCanonical(body, meta);
  if (reasoning !== undefined) request.reasoning = reasoning;

  // `output_config.format` is the current name; `output_format` the `structured-outputs-2025-11-13` beta's.
  const format = obj(obj(body.output_config)?.format) ?? obj(body.output_format);
  if (format?.type === 'json_schema' && isRecord(format.schema)) {
    request.responseFormat = { type: 'json', schema: format.schema };
  }
  if (Object.keys(meta).length > 0) request.providerMetadata = { [KEY]: meta };
  return { value: request, warnings };
}
