/**
 * The Chat Completions wire vocabulary switchyard reads and writes: the literal values and the shapes
 * of what it sends. Bodies it reads are narrowed field by field (see `json.ts`), leniently, since
 * OpenAI-compatible services vary; these types describe OpenAI's documented form.
 *
 * @see https://platform.openai.com/docs/api-reference/chat
 */

/** Message roles of a request (`function` is the legacy function-result role). */
export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

/** The types of content parts a message may hold (`refusal` only in assistant messages). */
export type ChatContentPartType = 'text' | 'image_url' | 'input_audio' | 'file' | 'refusal';

/** The finish reasons Chat Completions sends (`function_call` is the deprecated pre-tools one). */
export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** A tool call of an assistant message. */
export type ChatToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

/**
 * `usage` of a completion or of the stream's usage chunk. DeepSeek reports cache hits as
 * `prompt_cache_hit_tokens` instead of `prompt_tokens_details`.
 */
export type ChatUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  prompt_cache_hit_tokens?: number;
};

/** The assistant message of a `chat.completion` (`reasoning_content`: the DeepSeek convention). */
export type ChatResponseMessage = {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  reasoning_content?: string;
  tool_calls?: ChatToolCall[];
  annotations?: unknown;
  audio?: unknown;
};

/** A non-stream `chat.completion` body. */
export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  /** Epoch seconds. */
  created: number;
  model: string;
  choices: Array<{ index: number; message: ChatResponseMessage; logprobs: unknown; finish_reason: ChatFinishReason }>;
  usage?: ChatUsage;
  system_fingerprint?: string;
  service_tier?: string;
};
