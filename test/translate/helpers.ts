/**
 * Shared helpers of the translation tests: fixture loading, stream decoding and summaries of what a
 * request, response or stream says, in a shape two dialects can be compared on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type {
  CanonicalError,
  CanonicalRequest,
  CanonicalResponse,
  FinishReason,
  ReasoningOrigin,
  StreamPart,
} from '../../src/translate/canonical.js';
import {
  type Dialect as AnyDialect,
  DIALECTS,
  type CallerDialect as Dialect,
  type Usage,
} from '../../src/translate/dialect.js';
import { codecFor, createStreamConverter } from '../../src/translate/index.js';

export type { Dialect };
export { DIALECTS };

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The provider family each dialect's native upstream belongs to. */
export const FAMILY: Readonly<Record<Dialect, ReasoningOrigin>> = {
  'openai-chat': 'openai',
  'openai-responses': 'openai',
  'anthropic-messages': 'anthropic',
  gemini: 'gemini',
};

/** The `targetProvider` a request for each dialect's native upstream carries. */
export const PROVIDER: Readonly<Record<Dialect, string>> = {
  'openai-chat': 'openai',
  'openai-responses': 'openai',
  'anthropic-messages': 'anthropic',
  gemini: 'gemini',
};

export interface Fixture {
  dialect: Dialect;
  name: string;
  text: string;
}

/** Every fixture of every dialect whose file name ends with `suffix`. */
export function fixtures(suffix: string): Fixture[] {
  const out: Fixture[] = [];
  for (const dialect of DIALECTS) {
    let names: string[];
    try {
      names = readdirSync(join(FIXTURES, dialect));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (name.endsWith(suffix)) out.push({ dialect, name, text: readFileSync(join(FIXTURES, dialect, name), 'utf8') });
    }
  }
  return out;
}

export function jsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
  return value as Record<string, unknown>;
}

const bytes = new TextEncoder();
const chars = new TextDecoder();

/** Runs `text` through a converter from `from` to `to`, fed as the given chunks (whole when none). */
export function convertStream(from: AnyDialect, to: AnyDialect, text: string, cuts: number[] = []): string {
  const input = bytes.encode(text);
  const converter = createStreamConverter({ from, to });
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= at || cut >= input.byteLength) continue;
    pieces.push(input.subarray(at, cut));
    at = cut;
  }
  pieces.push(input.subarray(at));
  const out: Uint8Array[] = [];
  for (const piece of pieces) {
    const chunk = converter.transform(piece);
    if (chunk) out.push(chunk);
  }
  const tail = converter.flush();
  if (tail) out.push(tail);
  return out.map((chunk) => chars.decode(chunk)).join('');
}

/** The source's usage as the converter accounts it. */
export function streamUsage(from: Dialect, text: string): Usage | undefined {
  const converter = createStreamConverter({ from, to: from });
  converter.transform(bytes.encode(text));
  converter.flush();
  return converter.usage;
}

export interface RawEvent {
  event?: string;
  data: string;
}

/** SSE text → events, with eventsource-parser (the same parser the SDKs' grammar is defined by). */
export function sseEvents(text: string): RawEvent[] {
  const events: RawEvent[] = [];
  const parser = createParser({
    onEvent(event) {
      events.push(event.event === undefined ? { data: event.data } : { event: event.event, data: event.data });
    },
  });
  parser.feed(text);
  parser.reset({ consume: true });
  return events;
}

export interface ToolCallSummary {
  id: string;
  name: string;
  args: unknown;
}

export interface SignatureSummary {
  signature: string;
  origin: ReasoningOrigin | undefined;
}

/** What an answer says, in terms every dialect can be compared on. */
export interface AnswerSummary {
  text: string;
  reasoning: string;
  signatures: SignatureSummary[];
  redacted: number;
  calls: ToolCallSummary[];
  finish: FinishReason | undefined;
  usage: Usage | undefined;
  errors: CanonicalError[];
  /** Streams only: the decoder saw the dialect's terminal event. */
  done: boolean;
}

function parseArgs(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}

/** Decodes SSE text with `dialect`'s own decoder and summarises it. */
export function decodeStream(dialect: AnyDialect, text: string): AnswerSummary & { parts: StreamPart[] } {
  const decoder = codecFor(dialect).createStreamDecoder();
  const parts: StreamPart[] = [];
  for (const event of sseEvents(text)) parts.push(...decoder.event(event));
  const summary: AnswerSummary & { parts: StreamPart[] } = {
    text: '',
    reasoning: '',
    signatures: [],
    redacted: 0,
    calls: [],
    finish: undefined,
    usage: undefined,
    errors: [],
    done: decoder.done,
    parts,
  };
  const args = new Map<number, { id: string; name: string; args: string }>();
  const order: number[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text-delta':
        summary.text += part.text;
        break;
      case 'reasoning-delta':
        summary.reasoning += part.text;
        break;
      case 'reasoning-signature':
        summary.signatures.push({ signature: part.signature, origin: part.origin });
        break;
      case 'reasoning-redacted':
        summary.redacted++;
        break;
      case 'tool-call-start':
        args.set(part.index, { id: part.id, name: part.name, args: '' });
        order.push(part.index);
        break;
      case 'tool-call-delta': {
        const call = args.get(part.index);
        if (call) call.args += part.argumentsDelta;
        break;
      }
      case 'usage':
        summary.usage = part.usage;
        break;
      case 'start':
        if (part.usage) summary.usage = part.usage;
        break;
      case 'finish':
        summary.finish ??= part.finishReason;
        if (part.usage) summary.usage = part.usage;
        break;
      case 'error':
        summary.errors.push(part.error);
        break;
      default:
        break;
    }
  }
  summary.calls = order.map((index) => {
    const call = args.get(index)!;
    return { id: call.id, name: call.name, args: parseArgs(call.args) };
  });
  return summary;
}

/** Summarises a canonical response. */
export function summarizeResponse(response: CanonicalResponse): AnswerSummary {
  const summary: AnswerSummary = {
    text: '',
    reasoning: '',
    signatures: [],
    redacted: 0,
    calls: [],
    finish: response.finishReason,
    usage: response.usage,
    errors: [],
    done: true,
  };
  for (const part of response.content) {
    if (part.type === 'text') summary.text += part.text;
    else if (part.type === 'tool-call')
      summary.calls.push({ id: part.id, name: part.name, args: parseArgs(part.arguments) });
    else {
      summary.reasoning += part.text;
      if (part.signature !== undefined) summary.signatures.push({ signature: part.signature, origin: part.origin });
      if (part.redactedData !== undefined) summary.redacted++;
    }
  }
  return summary;
}

/**
 * The finish reason a canonical reason becomes after a trip through `target`'s wire format and back, as
 * each dialect documents its reasons (see docs/translation.md). `calls` / `refusal`: what the answer held.
 */
export function finishThrough(target: Dialect, reason: FinishReason, calls: boolean): FinishReason {
  switch (target) {
    case 'openai-chat':
      if (reason === 'length' || reason === 'content_filter') return reason;
      if (reason === 'tool_calls' || calls) return 'tool_calls';
      return reason === 'refusal' ? 'refusal' : 'stop';
    case 'anthropic-messages':
      if (reason === 'content_filter') return 'refusal';
      if (reason === 'error' || reason === 'other') return 'stop';
      return reason;
    case 'openai-responses':
      if (reason === 'length' || reason === 'content_filter' || reason === 'error') return reason;
      if (calls) return 'tool_calls';
      return reason === 'refusal' ? 'refusal' : 'stop';
    case 'gemini':
      if (reason === 'length') return 'length';
      if (reason === 'content_filter' || reason === 'refusal') return 'content_filter';
      if (reason === 'error' || reason === 'other') return 'other';
      return calls ? 'tool_calls' : 'stop';
  }
}

/** Usage with absent optional counts read as 0, and cache writes left out (only Anthropic has them). */
export function comparableUsage(usage: Usage | undefined): Record<string, number> | undefined {
  if (!usage) return undefined;
  return {
    input: usage.inputTokens,
    output: usage.outputTokens,
    cached: usage.cacheReadTokens ?? 0,
    reasoning: usage.reasoningTokens ?? 0,
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * Usage read straight off a target's wire fields (not through its codec), as the provider documents them:
 * the final usage the dialect's client would see. Returns undefined when the stream carries none.
 */
export function wireUsage(dialect: Dialect, events: RawEvent[]): Record<string, number> | undefined {
  let found: Record<string, number> | undefined;
  for (const event of events) {
    if (event.data === '[DONE]') continue;
    const data = record(JSON.parse(event.data));
    if (!data) continue;
    switch (dialect) {
      case 'openai-chat': {
        const u = record(data.usage);
        if (u) found = chatUsage(u);
        break;
      }
      case 'openai-responses': {
        const u = data.type === 'response.completed' ? record(record(data.response)?.usage) : undefined;
        if (u) found = responsesUsage(u);
        break;
      }
      case 'anthropic-messages': {
        const u =
          data.type === 'message_start'
            ? record(record(data.message)?.usage)
            : data.type === 'message_delta'
              ? record(data.usage)
              : undefined;
        if (u) found = { ...found, ...anthropicUsage(u) };
        break;
      }
      case 'gemini': {
        const u = record(data.usageMetadata);
        if (u) found = geminiUsage(u);
        break;
      }
    }
  }
  return found;
}

/** Usage read off a non-stream body's wire fields. */
export function wireBodyUsage(dialect: Dialect, body: Record<string, unknown>): Record<string, number> | undefined {
  switch (dialect) {
    case 'openai-chat': {
      const u = record(body.usage);
      return u && chatUsage(u);
    }
    case 'openai-responses': {
      const u = record(body.usage);
      return u && responsesUsage(u);
    }
    case 'anthropic-messages': {
      const u = record(body.usage);
      return u && anthropicUsage(u);
    }
    case 'gemini': {
      const u = record(body.usageMetadata);
      return u && geminiUsage(u);
    }
  }
}

function chatUsage(u: Record<string, unknown>): Record<string, number> {
  return {
    input: count(u.prompt_tokens),
    output: count(u.completion_tokens),
    cached: count(record(u.prompt_tokens_details)?.cached_tokens),
    reasoning: count(record(u.completion_tokens_details)?.reasoning_tokens),
  };
}

function responsesUsage(u: Record<string, unknown>): Record<string, number> {
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cached: count(record(u.input_tokens_details)?.cached_tokens),
    reasoning: count(record(u.output_tokens_details)?.reasoning_tokens),
  };
}

function anthropicUsage(u: Record<string, unknown>): Record<string, number> {
  // input_tokens excludes cache reads and writes; the canonical input counts them all.
  const out: Record<string, number> = {};
  if (u.input_tokens !== undefined) {
    out.input = count(u.input_tokens) + count(u.cache_read_input_tokens) + count(u.cache_creation_input_tokens);
    out.cached = count(u.cache_read_input_tokens);
  }
  if (u.output_tokens !== undefined) out.output = count(u.output_tokens);
  out.reasoning = count(record(u.output_tokens_details)?.thinking_tokens);
  return out;
}

function geminiUsage(u: Record<string, unknown>): Record<string, number> {
  // thoughtsTokenCount is not part of candidatesTokenCount.
  return {
    input: count(u.promptTokenCount) + count(u.toolUsePromptTokenCount),
    output: count(u.candidatesTokenCount) + count(u.thoughtsTokenCount),
    cached: count(u.cachedContentTokenCount),
    reasoning: count(u.thoughtsTokenCount),
  };
}

/** One item of a conversation, flattened: what must survive any request translation. */
export type Turn =
  | { kind: 'user-text'; text: string }
  | { kind: 'assistant-text'; text: string }
  | { kind: 'call'; id: string; name: string; args: unknown }
  | { kind: 'result'; id: string; text: string };

/** The ordered flat list of user/assistant texts, tool calls and tool results of a canonical request. */
export function turns(request: CanonicalRequest): Turn[] {
  const out: Turn[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') continue;
    for (const part of message.content) {
      if (part.type === 'text') {
        if (part.text !== '')
          out.push({ kind: message.role === 'user' ? 'user-text' : 'assistant-text', text: part.text });
      } else if (part.type === 'tool-call') {
        out.push({ kind: 'call', id: part.id, name: part.name, args: parseArgs(part.arguments) });
      } else if (part.type === 'tool-result') {
        const text =
          typeof part.content === 'string'
            ? part.content
            : part.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
        out.push({ kind: 'result', id: part.toolCallId, text: normalizeJsonText(text) });
      }
    }
  }
  return out;
}

/** JSON text re-serialised canonically (so `{"a": 1}` equals `{"a":1}`); other text as is. */
export function normalizeJsonText(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : text;
  } catch {
    return text;
  }
}

/** All system text of a request, joined. */
export function systemText(request: CanonicalRequest): string {
  return request.messages
    .filter((m) => m.role === 'system')
    .flatMap((m) => m.content.map((p) => (p.type === 'text' ? p.text : '')))
    .join('\n\n');
}
