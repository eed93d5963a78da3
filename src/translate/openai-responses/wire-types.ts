/**
 * The OpenAI Responses wire vocabulary switchyard reads and writes: the literal values and the shapes
 * of what it sends. Bodies it reads are narrowed field by field (see `json.ts`), leniently.
 *
 * @see https://platform.openai.com/docs/api-reference/responses
 */

/** The `status` of a response object (`queued` and `cancelled` are read, never written). */
export type ResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** `incomplete_details.reason` of an incomplete response. */
export type ResponsesIncompleteReason = 'max_output_tokens' | 'content_filter';

/** The output item types that have a canonical counterpart; built-in tool items are kept as they are. */
export type ResponsesOutputItemType = 'message' | 'function_call' | 'reasoning';

/** The stream events switchyard writes (it reads these and more; the rest carry nothing canonical). */
export type ResponsesStreamEventType =
  | 'response.created'
  | 'response.in_progress'
  | 'response.output_item.added'
  | 'response.output_item.done'
  | 'response.content_part.added'
  | 'response.content_part.done'
  | 'response.output_text.delta'
  | 'response.output_text.done'
  | 'response.reasoning_summary_part.added'
  | 'response.reasoning_summary_part.done'
  | 'response.reasoning_summary_text.delta'
  | 'response.reasoning_summary_text.done'
  | 'response.function_call_arguments.delta'
  | 'response.function_call_arguments.done'
  | 'response.completed'
  | 'response.incomplete'
  | 'response.failed'
  | 'error';

/** `usage` of a response object; both detail objects are always written (the OpenAI SDK types require them). */
export type ResponsesUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};
