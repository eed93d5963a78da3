/**
 * A wire format spoken by a caller or an upstream.
 * - `openai-chat`: OpenAI Chat Completions (`POST /v1/chat/completions`) and every OpenAI-compatible service.
 * - `openai-responses`: OpenAI Responses (`POST /v1/responses`).
 * - `anthropic-messages`: Anthropic Messages (`POST /v1/messages`).
 * - `gemini`: Google Gemini `generateContent` / `streamGenerateContent?alt=sse`.
 */
export type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

/** All dialects, in a stable order. */
export const DIALECTS: readonly Dialect[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];

/** True when `value` names a {@link Dialect}. */
export function isDialect(value: unknown): value is Dialect {
  return typeof value === 'string' && (DIALECTS as readonly string[]).includes(value);
}

/** Token usage in one canonical shape; every dialect's usage fields map to and from it. */
export interface Usage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning/thinking. */
  reasoningTokens?: number;
}
