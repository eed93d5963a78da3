import type { Dialect } from '../../translate/dialect.js';

/** Explicit session headers, in the order they are looked for (lower-case). */
export const SESSION_HEADERS = ['x-session-id', 'session_id', 'x-claude-code-session-id', 'x-client-request-id'];

type Body = Record<string, unknown>;

/**
 * The session affinity key of a request: an explicit session header, else a dialect's own session field
 * (Anthropic `metadata.user_id`; OpenAI `prompt_cache_key`, `user`, `conversation`; Gemini
 * `cachedContent`), else a hash of the system prompt and the first user message. Undefined when the
 * request has none of these.
 */
export function extractSessionKey(
  dialect: Dialect,
  body: Body,
  headers: Readonly<Record<string, string | undefined>>,
): string | undefined {
  for (const name of SESSION_HEADERS) {
    const value = headers[name];
    if (value) return `h:${value}`;
  }
  const field = sessionField(dialect, body);
  if (field) return `f:${field}`;
  const seed = conversationSeed(dialect, body);
  return seed ? `c:${hash53(seed)}` : undefined;
}

function sessionField(dialect: Dialect, body: Body): string | undefined {
  switch (dialect) {
    case 'anthropic-messages': {
      const metadata = body.metadata as { user_id?: unknown } | undefined;
      return typeof metadata?.user_id === 'string' ? metadata.user_id : undefined;
    }
    case 'openai-chat':
    case 'openai-responses': {
      for (const key of ['prompt_cache_key', 'user', 'conversation']) {
        const value = body[key];
        if (typeof value === 'string' && value) return value;
        if (key === 'conversation' && typeof (value as { id?: unknown } | undefined)?.id === 'string') {
          return (value as { id: string }).id;
        }
      }
      return undefined;
    }
    case 'gemini':
      return typeof body.cachedContent === 'string' ? body.cachedContent : undefined;
  }
}

/** The system prompt and first user message, as text, for hashing. */
function conversationSeed(dialect: Dialect, body: Body): string | undefined {
  let system: unknown;
  let first: unknown;
  if (dialect === 'gemini') {
    system = body.systemInstruction;
    first = Array.isArray(body.contents) ? body.contents[0] : undefined;
  } else if (dialect === 'openai-responses') {
    system = body.instructions;
    first = Array.isArray(body.input) ? body.input[0] : body.input;
  } else {
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown }>) : [];
    if (dialect === 'anthropic-messages') system = body.system;
    else system = messages.find((m) => m.role === 'system' || m.role === 'developer');
    first = messages.find((m) => m.role === 'user');
  }
  if (system === undefined && first === undefined) return undefined;
  return JSON.stringify([system ?? null, first ?? null]);
}

/** A fast 53-bit string hash (cyrb53-style); not cryptographic, only a stable bucket for affinity. */
export function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
