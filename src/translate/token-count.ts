import type { Dialect } from './dialect.js';
import { isRecord, type JsonObject, num } from './json.js';

/**
 * The token count of a count-tokens answer in any dialect: Anthropic `input_tokens`, Gemini
 * `totalTokens`, OpenAI Responses `input_tokens` (`/responses/input_tokens`). Undefined when absent.
 */
export function readTokenCount(body: JsonObject): number | undefined {
  return num(body.input_tokens) ?? num(body.totalTokens) ?? num(body.total_tokens);
}

/** A count-tokens answer in a dialect's own shape. */
export function renderTokenCount(dialect: Dialect, tokens: number): JsonObject {
  switch (dialect) {
    case 'gemini':
      return { totalTokens: tokens };
    case 'openai-responses':
      return { object: 'response.input_tokens', input_tokens: tokens };
    default:
      return { input_tokens: tokens };
  }
}

/**
 * A local estimate for upstreams that cannot count (OpenAI Chat Completions has no endpoint): about
 * four characters per token over the text of the messages, the system prompt and the tool definitions.
 * Good to a few tens of percent for English prose and code; use the provider's counter when exactness matters.
 */
export function estimateTokens(body: JsonObject): number {
  let chars = 0;
  const visit = (value: unknown, depth: number): void => {
    if (depth > 64) return;
    if (typeof value === 'string') {
      // Inline media is counted by the provider per image, not per base64 character.
      chars += value.length > 2048 && /^[A-Za-z0-9+/=]+$/.test(value.slice(0, 256)) ? 1_000 : value.length;
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
    } else if (isRecord(value)) {
      for (const key in value) if (key !== 'model' && key !== 'stream') visit(value[key], depth + 1);
    }
  };
  visit(body, 0);
  return Math.max(1, Math.ceil(chars / 4));
}
