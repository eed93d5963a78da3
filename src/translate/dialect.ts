/**
 * A wire format spoken by a caller or an upstream.
 * - `openai-chat`: OpenAI Chat Completions (`POST /v1/chat/completions`) and every OpenAI-compatible service.
 * - `openai-responses`: OpenAI Responses (`POST /v1/responses`).
 * - `anthropic-messages`: Anthropic Messages (`POST /v1/messages`).
 * - `gemini`: Google Gemini `generateContent` / `streamGenerateContent?alt=sse`.
 * - `bedrock-converse`: AWS Bedrock Converse / ConverseStream (an upstream dialect: no caller route speaks it).
 */
export type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini' | 'bedrock-converse';

/** A dialect callers speak to switchyard's endpoints: every {@link Dialect} but the upstream-only ones. */
export type CallerDialect = Exclude<Dialect, 'bedrock-converse'>;

/** The dialects callers speak, in a stable order. */
export const DIALECTS: readonly CallerDialect[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];

/** Dialects only upstreams speak (no caller route): Bedrock Converse. */
export const UPSTREAM_DIALECTS: readonly Dialect[] = ['bedrock-converse'];

/** True when `value` names a {@link Dialect}, a caller's or an upstream's. */
export function isDialect(value: unknown): value is Dialect {
  return (
    typeof value === 'string' &&
    ((DIALECTS as readonly string[]).includes(value) || (UPSTREAM_DIALECTS as readonly string[]).includes(value))
  );
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
