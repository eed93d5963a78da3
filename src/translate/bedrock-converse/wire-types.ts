/**
 * The Bedrock Converse wire vocabulary switchyard reads and writes: the literal values and the shapes
 * of what it sends. Converse content blocks are unions by key (`{ text }`, `{ image }`, `{ toolUse }`,
 * ...), not by a `type` field. Bodies it reads are narrowed field by field (see `json.ts`), leniently;
 * fields newer than this code travel in `providerMetadata['bedrock-converse']`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */

/** The `stopReason` values. */
export type ConverseStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'malformed_model_output'
  | 'malformed_tool_use'
  | 'model_context_window_exceeded';

/**
 * The `:event-type` of a ConverseStream event; the Bedrock executor turns each event-stream message
 * into one SSE event with this name and the message's JSON payload as data.
 */
export type ConverseStreamEventType =
  | 'messageStart'
  | 'contentBlockStart'
  | 'contentBlockDelta'
  | 'contentBlockStop'
  | 'messageStop'
  | 'metadata';

/**
 * The exceptions a ConverseStream may send inside the stream (`:message-type: exception`, the name in
 * `:exception-type`), with the HTTP status each stands for.
 */
export const STREAM_EXCEPTION_STATUS: Readonly<Record<string, number>> = Object.freeze({
  internalServerException: 500,
  modelStreamErrorException: 424,
  validationException: 400,
  throttlingException: 429,
  serviceUnavailableException: 503,
});

/** `usage` of a Converse answer and of the stream's `metadata` event. `inputTokens` excludes cache reads and writes. */
export type ConverseUsage = {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
};

/** Image formats Converse accepts, by media type. */
export const IMAGE_FORMATS: Readonly<Record<string, string>> = Object.freeze({
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
});

/** Document formats Converse accepts, by media type. */
export const DOCUMENT_FORMATS: Readonly<Record<string, string>> = Object.freeze({
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
});

/** The media type of a Converse image or document `format`. */
export function mediaTypeOfFormat(format: string, kind: 'image' | 'document'): string {
  const table = kind === 'image' ? IMAGE_FORMATS : DOCUMENT_FORMATS;
  for (const type in table) if (table[type] === format) return type;
  return kind === 'image' ? `image/${format}` : 'application/octet-stream';
}
