import type { CanonicalError, Converted, FromCanonicalOptions, TranslationWarning } from './canonical.js';
import type { TranslationContext } from './context.js';
import type { Dialect, Usage } from './dialect.js';
import { isRecord, type JsonObject } from './json.js';
import { resolveReferences } from './openai-responses/resolve-references.js';
import { hasTaggedSignature } from './reasoning.js';
import { codecFor } from './registry.js';
import { declaredNamespacedTool } from './tool-names.js';

/** Input of {@link translateRequest}. */
export interface TranslateRequestInput {
  from: Dialect;
  to: Dialect;
  /** The parsed JSON request body in `from`. Not mutated. */
  body: JsonObject;
  options?: FromCanonicalOptions;
}

/**
 * Converts a request body from one dialect to another through the canonical form. When `from === to`
 * the body is returned as is, unless it carries another provider's thinking signature (then it takes the
 * canonical path, which drops it). A Responses body's `item_reference` items and `previous_response_id` are
 * resolved first for upstreams that do not store responses (see `resolveItem` / `resolveResponse` in
 * the options). Throws `InvalidRequestError` for input that cannot be represented; what the
 * target cannot express comes back in `warnings`.
 *
 * @example
 * ```ts
 * const { value, warnings } = translateRequest({ from: 'openai-chat', to: 'anthropic-messages',
 *   body: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] } });
 * ```
 */
export function translateRequest(input: TranslateRequestInput): Converted<JsonObject> {
  const body =
    input.from === 'openai-responses' ? resolveReferences(input.body, input.to, input.options ?? {}) : input.body;
  // Chat Completions carries no signatures, so its bodies need no look for one.
  if (input.from === input.to && (input.from === 'openai-chat' || !hasTaggedSignature(body))) {
    return { value: body, warnings: [] };
  }
  const parsed = codecFor(input.from).requestToCanonical(body);
  const out = codecFor(input.to).requestFromCanonical(parsed.value, input.options ?? {});
  return { value: out.value, warnings: join(parsed.warnings, out.warnings) };
}

/**
 * Input of {@link translateResponse}. `now` and `generateId` (see {@link TranslationContext}) fill in
 * what the target requires and the source lacks, such as a Chat completion's `created`.
 */
export interface TranslateResponseInput extends TranslationContext {
  from: Dialect;
  to: Dialect;
  /** The parsed JSON (non-stream) response body in `from`. */
  body: JsonObject;
  /** The tool names the request declared (see {@link requestToolNames}), to undo renames some upstreams need. */
  toolNames?: readonly string[];
}

/**
 * Converts a non-stream response body between dialects. When `from === to` it is returned as is.
 *
 * @example
 * ```ts
 * const { value } = translateResponse({ from: 'anthropic-messages', to: 'openai-chat', body: anthropicMessage });
 * value.choices[0].message.content;
 * ```
 */
export function translateResponse(input: TranslateResponseInput): Converted<JsonObject> {
  if (input.from === input.to) return { value: input.body, warnings: [] };
  const parsed = codecFor(input.from).responseToCanonical(
    input.body,
    input.toolNames ? { toolNames: input.toolNames } : undefined,
  );
  const out = codecFor(input.to).responseFromCanonical(parsed.value, input);
  return { value: out.value, warnings: join(parsed.warnings, out.warnings) };
}

/** Input of {@link translateError}. */
export interface TranslateErrorInput {
  /** The dialect the error body is in. */
  from: Dialect;
  to: Dialect;
  status: number;
  /** The error body: parsed JSON, or text (an HTML page from a proxy, say). */
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

/**
 * Renders an upstream error body in another dialect's error shape, with the HTTP status to send.
 *
 * @example
 * ```ts
 * translateError({ from: 'anthropic-messages', to: 'openai-chat', status: 529,
 *   body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
 * // { status: 529, body: { error: { message: 'Overloaded', type: ..., code: ... } } }
 * ```
 */
export function translateError(input: TranslateErrorInput): { status: number; body: JsonObject } {
  const canonical = codecFor(input.from).errorToCanonical(input.status, input.body, input.headers);
  return codecFor(input.to).errorFromCanonical(canonical);
}

/** Renders a canonical error in a dialect's error shape. */
export function renderError(to: Dialect, error: CanonicalError): { status: number; body: JsonObject } {
  return codecFor(to).errorFromCanonical(error);
}

/** The usage of a non-stream response body, in canonical form; undefined when it carries none. */
export function readUsage(dialect: Dialect, body: JsonObject): Usage | undefined {
  return codecFor(dialect).readUsage(body);
}

function join(a: TranslationWarning[], b: TranslationWarning[]): TranslationWarning[] {
  return a.length === 0 ? b : b.length === 0 ? a : [...a, ...b];
}

/**
 * The tool names a request declares, in its own dialect. Pass them to {@link translateResponse} and
 * {@link createStreamConverter} when the upstream may rename tools (Gemini's names are at most 64
 * characters of `[A-Za-z0-9_.-]`), so the caller gets its calls under the names it declared. The tools of
 * a Responses `namespace` tool are listed as namespace and name joined by U+001F: every dialect but
 * Responses sees them flattened to `<namespace>__<name>`, and answers come back split.
 */
export function requestToolNames(dialect: Dialect, body: JsonObject): string[] {
  const names: string[] = [];
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    if (dialect === 'gemini') {
      const declarations = Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [];
      for (const d of declarations) if (isRecord(d) && typeof d.name === 'string') names.push(d.name);
    } else if (dialect === 'openai-chat') {
      const fn = tool.function;
      if (isRecord(fn) && typeof fn.name === 'string') names.push(fn.name);
    } else if (dialect === 'openai-responses' && tool.type === 'namespace' && typeof tool.name === 'string') {
      // Their tools reach other dialects flattened; answers are split back (see `restoreToolName`).
      for (const inner of Array.isArray(tool.tools) ? tool.tools : []) {
        if (isRecord(inner) && typeof inner.name === 'string')
          names.push(declaredNamespacedTool(tool.name, inner.name));
      }
    } else if (typeof tool.name === 'string') names.push(tool.name);
  }
  return names;
}
