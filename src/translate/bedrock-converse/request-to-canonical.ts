import type {
  AssistantContent,
  CanonicalMessage,
  CanonicalRequest,
  Converted,
  ReasoningConfig,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserContent,
} from '../canonical.js';
import { invalid, isRecord, type JsonObject, num, obj, str } from '../json.js';
import { budgetToEffort } from '../reasoning.js';
import { readBlocks } from './content.js';
import { extras, KEY } from './metadata.js';
import { toolConfigToCanonical } from './tools.js';

const KNOWN = new Set([
  'modelId',
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'additionalModelRequestFields',
]);
const KNOWN_ADDITIONAL = new Set(['thinking', 'top_k']);

/** Claude's `thinking` in `additionalModelRequestFields` → canonical reasoning. */
function reasoningOf(additional: JsonObject | undefined): ReasoningConfig | undefined {
  const thinking = obj(additional?.thinking);
  if (thinking !== undefined) {
    if (thinking.type === 'disabled') return { enabled: false };
    const budget = num(thinking.budget_tokens);
    const out: ReasoningConfig = { enabled: true, includeThoughts: true };
    if (budget !== undefined) {
      out.budgetTokens = budget;
      out.effort = budgetToEffort(budget);
    }
    return out;
  }
  return undefined;
}

/**
 * A Bedrock Converse request body → canonical.
 *
 * - `system` text blocks become one system message; `messages` turns keep their order, and a user
 *   turn's `toolResult` blocks become a `tool` message ahead of its other content.
 * - `inferenceConfig` → max tokens, temperature, top-p, stop sequences; `toolConfig` → tools and tool
 *   choice; `additionalModelRequestFields.thinking` (Claude) → reasoning, `top_k` → top-k. Other
 *   additional fields, and top-level fields such as `guardrailConfig`, ride in
 *   `providerMetadata['bedrock-converse']` for a trip back to Converse.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 */
export function requestToCanonical(body: JsonObject): Converted<CanonicalRequest> {
  const warnings: TranslationWarning[] = [];
  if (!Array.isArray(body.messages)) invalid('messages', 'must be an array of messages');
  const messages: CanonicalMessage[] = [];
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) invalid('system', 'must be an array of system content blocks');
    const parts = readBlocks(body.system, 'system', warnings).filter((p): p is TextPart => p.type === 'text');
    if (parts.length > 0) messages.push({ role: 'system', content: parts });
  }
  body.messages.forEach((raw, i) => {
    if (!isRecord(raw)) invalid(`messages[${i}]`, 'must be an object');
    const role = raw.role;
    if (role !== 'user' && role !== 'assistant') invalid(`messages[${i}].role`, "must be 'user' or 'assistant'");
    if (!Array.isArray(raw.content)) invalid(`messages[${i}].content`, 'must be an array of content blocks');
    const parts = readBlocks(raw.content, `messages[${i}]`, warnings);
    if (role === 'assistant') {
      const content = parts.filter(
        (p): p is AssistantContent => p.type === 'text' || p.type === 'reasoning' || p.type === 'tool-call',
      );
      if (content.length > 0) messages.push({ role: 'assistant', content });
      return;
    }
    const results = parts.filter((p): p is ToolResultPart => p.type === 'tool-result');
    const rest = parts.filter((p): p is UserContent => p.type === 'text' || p.type === 'image' || p.type === 'file');
    if (results.length > 0) messages.push({ role: 'tool', content: results });
    if (rest.length > 0) messages.push({ role: 'user', content: rest });
  });
  const request: CanonicalRequest = { messages };
  const model = str(body.modelId);
  if (model !== undefined) request.model = model;
  const config = obj(body.inferenceConfig);
  const maxTokens = num(config?.maxTokens);
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = num(config?.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(config?.topP);
  if (topP !== undefined) request.topP = topP;
  if (Array.isArray(config?.stopSequences)) {
    request.stopSequences = config.stopSequences.filter((s): s is string => typeof s === 'string');
  }
  const { tools, toolChoice } = toolConfigToCanonical(body.toolConfig, warnings);
  if (tools !== undefined) request.tools = tools;
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const additional = obj(body.additionalModelRequestFields);
  const reasoning = reasoningOf(additional);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const topK = num(additional?.top_k);
  if (topK !== undefined) request.topK = topK;
  const meta = extras(body, KNOWN) ?? {};
  const otherAdditional = additional === undefined ? undefined : extras(additional, KNOWN_ADDITIONAL);
  if (otherAdditional !== undefined) meta.additionalModelRequestFields = otherAdditional;
  if (Object.keys(meta).length > 0) request.providerMetadata = { [KEY]: meta };
  return { value: request, warnings };
}
