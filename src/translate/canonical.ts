/**
 * The canonical form every dialect converts to and from. A dialect needs a to-canonical and a
 * from-canonical converter for requests, responses, stream events and errors; any pair then composes.
 * Modelled on the Vercel AI SDK's prompt and stream parts: what one provider says that no other can
 * is kept in `providerMetadata` (keyed by dialect) so a same-family round trip loses nothing.
 *
 * Pure data: no I/O, no Node-only APIs.
 */
import type { Dialect, Usage } from './dialect.js';

/** Provider-specific extras, keyed by the dialect that understands them. */
export type ProviderMetadata = Partial<Record<Dialect, Record<string, unknown>>>;

/**
 * Which provider family produced a thinking signature or an encrypted reasoning item. A signature is
 * only ever sent back to the family that produced it.
 */
export type ReasoningOrigin = 'anthropic' | 'openai' | 'gemini';

/** A media source: a URL (http(s) or `gs://`, or a `data:` URL) or inline base64 with its media type. */
export type MediaSource = { type: 'url'; url: string } | { type: 'base64'; mediaType: string; data: string };

/** Text, with provider extras such as Anthropic `cache_control`. */
export interface TextPart {
  type: 'text';
  text: string;
  /** Anthropic `cache_control`, OpenAI/Gemini extras, ... */
  providerMetadata?: ProviderMetadata;
}

/** An image by URL or inline base64. */
export interface ImagePart {
  type: 'image';
  source: MediaSource;
  /** OpenAI `detail`: `auto` | `low` | `high`. */
  detail?: string;
  providerMetadata?: ProviderMetadata;
}

/** A document or other file (PDF, text, audio, ...). */
export interface FilePart {
  type: 'file';
  source: MediaSource | { type: 'file-id'; fileId: string };
  mediaType?: string;
  filename?: string;
  providerMetadata?: ProviderMetadata;
}

/**
 * Reasoning / thinking. `text` is the visible thinking (Anthropic `thinking`, Gemini `thought` text,
 * OpenAI reasoning summary, DeepSeek `reasoning_content`). `signature` is Anthropic's thinking signature,
 * Gemini's `thoughtSignature`, or OpenAI's `encrypted_content`, valid only for `origin`.
 * `redactedData` holds Anthropic `redacted_thinking.data`.
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  redactedData?: string;
  origin?: ReasoningOrigin;
  /** OpenAI Responses reasoning item id (`rs_...`). */
  id?: string;
  providerMetadata?: ProviderMetadata;
}

/** A call of a tool the request declared, by the assistant. */
export interface ToolCallPart {
  type: 'tool-call';
  /** Stable id; synthesised (and mapped back) for dialects without ids (Gemini). */
  id: string;
  name: string;
  /** The arguments as JSON text (what streams produce; parsed where a dialect wants an object). */
  arguments: string;
  providerMetadata?: ProviderMetadata;
}

/** The result of a tool call, matched to it by `toolCallId`. */
export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** The tool's name, when known (Gemini `functionResponse` needs it). */
  name?: string;
  content: string | Array<TextPart | ImagePart | FilePart>;
  isError?: boolean;
  providerMetadata?: ProviderMetadata;
}

/** What a user turn may hold. */
export type UserContent = TextPart | ImagePart | FilePart;
/** What an assistant turn may hold. */
export type AssistantContent = TextPart | ReasoningPart | ToolCallPart;

/**
 * One turn. `system` messages may appear anywhere (OpenAI `developer`/`system` messages); dialects with
 * one system prompt (Anthropic, Gemini) hoist them. Tool results are their own `tool` messages.
 */
export type CanonicalMessage =
  | { role: 'system'; content: TextPart[]; providerMetadata?: ProviderMetadata }
  | { role: 'user'; content: UserContent[]; providerMetadata?: ProviderMetadata }
  | { role: 'assistant'; content: AssistantContent[]; providerMetadata?: ProviderMetadata }
  | { role: 'tool'; content: ToolResultPart[]; providerMetadata?: ProviderMetadata };

/** A function tool the model may call, with the JSON Schema of its arguments. */
export interface CanonicalTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: Record<string, unknown>;
  strict?: boolean;
  providerMetadata?: ProviderMetadata;
}

/** Whether and which tool the model must call. */
export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

/** Free text, or JSON (optionally following a schema). */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json'; schema?: Record<string, unknown>; name?: string; description?: string; strict?: boolean };

/** Reasoning effort levels; see `reasoning.ts` for the budget ↔ effort table. */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** What the caller asked of reasoning / thinking. */
export interface ReasoningConfig {
  /** False when the caller turned reasoning off explicitly. */
  enabled: boolean;
  effort?: ReasoningEffort;
  /** Token budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
  budgetTokens?: number;
  /** Ask for visible thinking / summaries (Gemini `includeThoughts`, OpenAI `summary`). */
  includeThoughts?: boolean;
  /** OpenAI Responses `summary`: `auto` | `concise` | `detailed`. */
  summary?: string;
}

/** A generation request in canonical form: what every dialect's request converts to and from. */
export interface CanonicalRequest {
  /** The model as the caller named it (Gemini carries it in the URL; the Manager sets it). */
  model?: string;
  messages: CanonicalMessage[];
  tools?: CanonicalTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningConfig;
  stream?: boolean;
  /** OpenAI `stream_options.include_usage` (other dialects always carry usage). */
  includeUsage?: boolean;
  /** End-user id: Anthropic `metadata.user_id`, OpenAI `user` / `safety_identifier`. */
  user?: string;
  /** Fields of the source dialect with no canonical counterpart, kept for a same-family trip. */
  providerMetadata?: ProviderMetadata;
}

/**
 * Why generation stopped. `stop_sequence` is a `stop` caused by a stop sequence; `pause` is Anthropic's
 * `pause_turn`; `refusal` a model refusal.
 */
export type FinishReason =
  | 'stop'
  | 'stop_sequence'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'refusal'
  | 'pause'
  | 'error'
  | 'other';

/** A non-stream answer in canonical form. */
export interface CanonicalResponse {
  id: string;
  model: string;
  /** Epoch seconds. */
  created?: number;
  content: AssistantContent[];
  finishReason: FinishReason;
  /** The stop sequence that matched, when known. */
  stopSequence?: string;
  usage?: Usage;
  providerMetadata?: ProviderMetadata;
}

/**
 * One event of a stream in canonical form. Decoders emit them from a dialect's SSE events; encoders turn
 * them into another dialect's exact event grammar. Blocks (text, reasoning, one tool call) are opened by
 * their first delta; `block-end` closes the open text or reasoning block explicitly (so two consecutive
 * thinking blocks stay two), and an encoder closes any open block when a different kind starts.
 */
export type StreamPart =
  | { type: 'start'; id: string; model: string; created?: number; usage?: Usage }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string; origin?: ReasoningOrigin }
  | { type: 'reasoning-signature'; signature: string; origin?: ReasoningOrigin }
  | { type: 'reasoning-redacted'; data: string }
  | { type: 'block-end' }
  /** `index` counts the stream's tool calls from 0. */
  | { type: 'tool-call-start'; index: number; id: string; name: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'tool-call-end'; index: number }
  /** Usage known so far (cumulative, not a delta): an encoder keeps the latest. */
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; finishReason: FinishReason; stopSequence?: string; usage?: Usage }
  | { type: 'error'; error: CanonicalError }
  | { type: 'ping' };

/** A failure in canonical form, from any dialect's error body. */
export interface CanonicalError {
  /** HTTP status (the upstream's, or the one to report). */
  status: number;
  message: string;
  /**
   * What kind of failure: matches switchyard's error kinds (`rate_limited`, `quota_exhausted`,
   * `unauthorized`, `forbidden`, `not_found`, `overloaded`, `invalid_request`, `upstream_error`, ...).
   */
  kind: string;
  /** The provider's own type/code string, kept for a same-dialect render (`invalid_request_error`, `RESOURCE_EXHAUSTED`). */
  providerCode?: string;
  /** How long to wait before retrying, ms (Gemini RetryInfo, ...). */
  retryAfterMs?: number;
  /** The whole credential is exhausted (OpenAI `insufficient_quota`, billing). */
  credentialWide?: boolean;
  /** Field at fault, for invalid requests. */
  param?: string;
}

/** A conversion result: the value, and what the target could not express. */
export interface Converted<T> {
  value: T;
  warnings: TranslationWarning[];
}

/**
 * The stable code of a {@link TranslationWarning}: what kind of feature the target could not express.
 * Hosts switch on the code, never on the message.
 *
 * - `unsupported-setting`: a setting has no counterpart in the target (top_k for OpenAI, seed or
 *   penalties for Anthropic, a tool_choice variant, ...); dropped, or kept for its own dialect only.
 * - `unsupported-tool`: a tool that is not a plain function (Anthropic server tools, Responses built-in
 *   tools, Gemini `googleSearch`, a non-function Chat tool, a custom tool in a Responses namespace):
 *   kept for its own dialect when it has one there, dropped for the others.
 * - `dropped-content`: a content part, block or item has no counterpart and was dropped.
 * - `dropped-choices`: only the first of several Chat choices was kept.
 * - `system-hoisted`: a system message after the first turn moved into the one system prompt.
 * - `response-format-emulated`: a JSON response format became a system instruction (not enforced).
 * - `schema-reduced`: JSON Schema keywords Gemini does not support were removed.
 * - `renamed-tool`: a tool name was changed to fit the target's name rules (Gemini).
 * - `unknown-tool-call`: a tool result matches no tool call.
 * - `invalid-tool-arguments`: tool-call arguments that are not a JSON object were sent as `{}`.
 * - `server-side-state`: the request refers to state stored at OpenAI (`previous_response_id`, ...).
 * - `foreign-thinking-dropped`: reasoning another provider signed (or unsigned reasoning, for
 *   Anthropic) was dropped from a request.
 * - `foreign-thinking-as-text`: the same reasoning was sent as plain text (`foreignThinking: 'text'`).
 * - `reasoning-dropped`: plain reasoning was dropped because the target rejects it (OpenAI).
 * - `reasoning-signature-dropped`: a thinking signature has no field in the target and was dropped.
 * - `anthropic-only-dropped`: Anthropic-only fields (`cache_control`, `context_management`,
 *   `metadata.user_id`) were dropped for another target.
 * - `sampling-adjusted`: a sampling setting the target would refuse was changed or dropped (Claude).
 */
export type TranslationWarningCode =
  | 'unsupported-setting'
  | 'unsupported-tool'
  | 'dropped-content'
  | 'dropped-choices'
  | 'system-hoisted'
  | 'response-format-emulated'
  | 'schema-reduced'
  | 'renamed-tool'
  | 'unknown-tool-call'
  | 'invalid-tool-arguments'
  | 'server-side-state'
  | 'foreign-thinking-dropped'
  | 'foreign-thinking-as-text'
  | 'reasoning-dropped'
  | 'reasoning-signature-dropped'
  | 'anthropic-only-dropped'
  | 'sampling-adjusted';

/** A feature that was dropped or degraded: something the caller can log, never an exception. */
export interface TranslationWarning {
  code: TranslationWarningCode;
  message: string;
}

/** Options for converting a canonical request into a dialect. */
export interface FromCanonicalOptions {
  /**
   * The provider that will receive the request (`anthropic`, `openai`, `gemini`, `mock`, ...). Decides
   * which thinking signatures may be replayed: only those whose origin is this provider's family.
   */
  targetProvider?: string;
  /** Thinking from another provider: dropped (default) or turned into plain text. */
  foreignThinking?: 'drop' | 'text';
  /**
   * Looks up a Responses output item by id, for an `item_reference` the request's own `input` does not
   * hold (the Manager can back it with a cache of items it returned). Undefined: not known. Default: none,
   * so such a reference is refused with `invalid_request`.
   */
  resolveItem?: (id: string) => unknown;
  /**
   * Looks up the input items a `previous_response_id` stands for (that response's input and output),
   * when the upstream is not first-party OpenAI. Default: none, so the id is refused with `invalid_request`.
   */
  resolveResponse?: (id: string) => unknown[] | undefined;
}
