/**
 * The Anthropic Messages wire vocabulary switchyard reads and writes: the literal values and the shapes
 * of what it sends. Bodies it reads are narrowed field by field (see `json.ts`), leniently; fields newer
 * than this code travel in `providerMetadata['anthropic-messages']`.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */

/** The `stop_reason` values (`model_context_window_exceeded` is read, never written). */
export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

/** The content block types with a canonical counterpart (server-tool blocks are dropped with a warning). */
export type AnthropicBlockType =
  | 'text'
  | 'image'
  | 'document'
  | 'thinking'
  | 'redacted_thinking'
  | 'tool_use'
  | 'tool_result';

/** The SSE events of a Messages stream; the `event:` line always equals the data's `type`. */
export type AnthropicStreamEventType =
  | 'message_start'
  | 'content_block_start'
  | 'content_block_delta'
  | 'content_block_stop'
  | 'message_delta'
  | 'message_stop'
  | 'ping'
  | 'error';

/**
 * `usage` of a message. `input_tokens` excludes cache reads and writes (canonical input counts them);
 * `output_tokens_details.thinking_tokens` is sent by some Anthropic-compatible services.
 */
export type AnthropicUsage = {
  input_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
};

/** A non-stream response body (`type: 'message'`), and the `message` of `message_start`. */
export type AnthropicMessage = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Array<Record<string, unknown>>;
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
};
