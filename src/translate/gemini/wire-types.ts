/**
 * The Gemini `generateContent` wire vocabulary switchyard reads and writes: the literal values and the
 * shapes of what it sends. Bodies it reads are narrowed field by field (see `json.ts`), leniently, and
 * in either spelling Google's parser accepts (camelCase or snake_case, see `fields.ts`).
 *
 * @see https://ai.google.dev/api/generate-content
 */

/** Roles of a `Content` (`function` is the legacy role of function responses). */
export type GeminiRole = 'user' | 'model' | 'function';

/** The `finishReason` values switchyard writes (it reads every documented one). */
export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'OTHER';

/** `toolConfig.functionCallingConfig.mode`. */
export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

/** `thinkingConfig.thinkingLevel` (Gemini 3), lower-cased as switchyard reads it. */
export type GeminiThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

/**
 * `usageMetadata`. `promptTokenCount` includes `cachedContentTokenCount`; `thoughtsTokenCount` is not
 * part of `candidatesTokenCount`.
 */
export type GeminiUsageMetadata = {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
};

/** One part of a `Content`: text (a thought when `thought`), media, a function call or response. */
export type GeminiPart = {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string; displayName?: string };
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
};

/** A `GenerateContentResponse`, the body of a non-stream answer and of every stream chunk. */
export type GeminiResponse = {
  candidates: Array<{
    content?: { role: 'model'; parts: GeminiPart[] };
    finishReason?: string;
    index: number;
  }>;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  createTime?: string;
};
