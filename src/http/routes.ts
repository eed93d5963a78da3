import type { Operation } from '../executors/types.js';
import type { Dialect } from '../translate/dialect.js';

/** What a matched route asks the handler to do. */
export type Route =
  | {
      type: 'execute';
      dialect: Dialect;
      operation: Operation;
      /** Set by routes that decide streaming themselves (Gemini); otherwise the body's `stream` does. */
      stream?: boolean;
      /** Set by routes that carry the model in the path (Gemini). */
      model?: string;
      /** Gemini's embedding methods: `single` for `:embedContent`, `batch` for `:batchEmbedContents`. */
      embed?: 'single' | 'batch';
    }
  /** `openai` lists in Anthropic's shape when the caller sends `anthropic-version`. */
  | { type: 'list-models'; format: 'openai' | 'gemini' }
  | { type: 'get-model'; format: 'openai' | 'gemini'; model: string }
  | { type: 'health' };

/**
 * A route, or the methods the path allows (405), or nothing (404). `template` names the route for
 * logs (`/v1beta/models/{model}:generateContent`): never the raw path, which may carry anything.
 */
export type RouteLookup = { route: Route; template: string } | { allow: string } | undefined;

const POST = 'POST';
const GET = 'GET, HEAD';

const CHAT: Route = { type: 'execute', dialect: 'openai-chat', operation: 'generate' };
const RESPONSES: Route = { type: 'execute', dialect: 'openai-responses', operation: 'generate' };
const MESSAGES: Route = { type: 'execute', dialect: 'anthropic-messages', operation: 'generate' };
const COUNT_TOKENS: Route = { type: 'execute', dialect: 'anthropic-messages', operation: 'count_tokens' };
/** OpenAI's embeddings: `openai-chat` is the dialect of every OpenAI route but Responses. */
const EMBEDDINGS: Route = { type: 'execute', dialect: 'openai-chat', operation: 'embed' };
const OPENAI_MODELS: Route = { type: 'list-models', format: 'openai' };
const GEMINI_MODELS: Route = { type: 'list-models', format: 'gemini' };
const HEALTH: Route = { type: 'health' };

/** Fixed paths: one map lookup per request. */
const FIXED: ReadonlyMap<string, { route: Route; allow: string }> = new Map([
  ['/v1/chat/completions', { route: CHAT, allow: POST }],
  ['/v1/responses', { route: RESPONSES, allow: POST }],
  ['/v1/messages', { route: MESSAGES, allow: POST }],
  ['/v1/messages/count_tokens', { route: COUNT_TOKENS, allow: POST }],
  ['/v1/embeddings', { route: EMBEDDINGS, allow: POST }],
  ['/v1/models', { route: OPENAI_MODELS, allow: GET }],
  ['/v1beta/models', { route: GEMINI_MODELS, allow: GET }],
  ['/healthz', { route: HEALTH, allow: GET }],
]);

const GEMINI_ACTIONS: Readonly<Record<string, { operation: Operation; stream: boolean; embed?: 'single' | 'batch' }>> =
  {
    generateContent: { operation: 'generate', stream: false },
    streamGenerateContent: { operation: 'generate', stream: true },
    countTokens: { operation: 'count_tokens', stream: false },
    embedContent: { operation: 'embed', stream: false, embed: 'single' },
    batchEmbedContents: { operation: 'embed', stream: false, embed: 'batch' },
  };

/**
 * Finds the route for a method and a path (relative to the handler's base path). The route decides the
 * caller's dialect.
 */
export function matchRoute(method: string, path: string): RouteLookup {
  const fixed = FIXED.get(path);
  if (fixed) return allows(fixed.allow, method) ? { route: fixed.route, template: path } : { allow: fixed.allow };
  // `/v1beta/models/{model}:{action}` (Gemini), `/v1/models/{model}:{action}` (Gemini's v1), and model lookups.
  let rest: string | undefined;
  let version: 'v1' | 'v1beta' | undefined;
  if (path.startsWith('/v1beta/models/')) {
    rest = path.slice('/v1beta/models/'.length);
    version = 'v1beta';
  } else if (path.startsWith('/v1/models/')) {
    rest = path.slice('/v1/models/'.length);
    version = 'v1';
  }
  if (rest === undefined || rest === '') return undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > 0) {
    const name = rest.slice(colon + 1);
    const action = GEMINI_ACTIONS[name];
    if (!action) return undefined;
    if (method !== POST) return { allow: POST };
    const model = decode(rest.slice(0, colon));
    if (model === undefined) return undefined;
    return {
      route: { type: 'execute', dialect: 'gemini', model, ...action },
      template: `/${version}/models/{model}:${name}`,
    };
  }
  if (!allows(GET, method)) return { allow: GET };
  const model = decode(rest);
  if (model === undefined) return undefined;
  return {
    route: { type: 'get-model', format: version === 'v1beta' ? 'gemini' : 'openai', model },
    template: `/${version}/models/{model}`,
  };
}

/** True when `path` is one of the routes, whatever the method. */
export function isRoute(path: string): boolean {
  return matchRoute('POST', path) !== undefined;
}

/**
 * The dialect to answer an error in when the route is unknown or not reached yet: by path family, else
 * by the SDK's tell-tale headers.
 */
export function guessDialect(path: string, headers: Readonly<Record<string, string | undefined>>): Dialect {
  if (path.startsWith('/v1beta/')) return 'gemini';
  if (path.startsWith('/v1/messages')) return 'anthropic-messages';
  if (path.startsWith('/v1/responses')) return 'openai-responses';
  if (headers['anthropic-version'] !== undefined) return 'anthropic-messages';
  if (headers['x-goog-api-key'] !== undefined) return 'gemini';
  return 'openai-chat';
}

function allows(allow: string, method: string): boolean {
  return allow === POST ? method === POST : method === 'GET' || method === 'HEAD';
}

function decode(text: string): string | undefined {
  try {
    const value = decodeURIComponent(text);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}
