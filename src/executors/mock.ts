import type { Credential } from '../core/credential.js';
import { AbortedError, createError, NetworkError } from '../core/errors.js';
import { kindFromStatus } from '../core/kind-from-status.js';
import { parseRetryAfter } from '../core/retry-after.js';
import type { Dialect } from '../translate/dialect.js';
import { createStreamConverter, translateRequest, translateResponse } from '../translate/index.js';
import { renderTokenCount } from '../translate/token-count.js';
import type { Executor, ExecutorRequest, ExecutorResponse, ModelInfo } from './types.js';

/**
 * Scripted behaviour of the mock for one credential. Set it per credential id in
 * {@link MockExecutorOptions.behaviours}, or in the credential's `metadata.mock` (e.g. from a config file).
 */
export interface MockBehaviour {
  /** HTTP statuses answered call after call; after the list runs out every call succeeds. E.g. `[429, 429, 200]`. */
  statuses?: number[];
  /** `Retry-After` sent with failures: seconds (`"2"`) or an HTTP date. */
  retryAfter?: string;
  /** `retry-after-ms` sent with failures. */
  retryAfterMs?: number;
  /** Delay before the response headers, ms. */
  latencyMs?: number;
  /** Delay between stream chunks, ms. */
  chunkDelayMs?: number;
  /** The stream stops after this many chunks without its terminal event (a dropped connection). */
  dropAfterChunks?: number;
  /** The stream fails with a network error after this many chunks. */
  failAfterChunks?: number;
  /** Never answers (`headers`) or answers and never sends a byte (`body`), until aborted. */
  stall?: 'headers' | 'body';
  /** A stream that ends with no bytes at all. */
  empty?: boolean;
  /** The assistant's text. Default: `Mock reply to: <last user text>`. */
  reply?: string;
  /** Answer with a tool call instead of text. */
  toolCall?: { name: string; arguments: Record<string, unknown> };
}

/** Options of {@link mockExecutor}. */
export interface MockExecutorOptions {
  /** Provider id. Default `mock`. */
  provider?: string;
  /** Behaviour per credential id. */
  behaviours?: Record<string, MockBehaviour>;
  /** Behaviour of credentials not listed in `behaviours`. */
  defaults?: MockBehaviour;
  /** Models listed by `listModels()`. Default `['mock-model']`. */
  models?: string[];
  /** Refresh for OAuth mock credentials: returns new tokens. Default: a new access token valid for 1 hour. */
  refresh?: (credential: Credential) => Credential | Promise<Credential>;
}

/** A call the mock received, for assertions in tests. */
export interface MockCall {
  credentialId: string;
  dialect: Dialect;
  model: string;
  stream: boolean;
  body: Record<string, unknown>;
  headers: Readonly<Record<string, string>>;
  /** The access token or API key the call was made with. */
  secret: string | undefined;
}

/** The mock executor with its recorded calls. */
export interface MockExecutor extends Executor {
  readonly calls: MockCall[];
  /** Times `refresh` was called. */
  readonly refreshCount: number;
}

const encoder = new TextEncoder();

/**
 * An offline provider with deterministic answers in whatever dialect it is asked for, and scripted
 * behaviour per credential: a status sequence, latency, a mid-stream drop, a stall. Use it to test your
 * integration without network, and to try the gateway out. A token count (`count_tokens`) is one token
 * per four characters of the request's JSON, in the dialect's own answer shape (Gemini `totalTokens`,
 * Anthropic and OpenAI Responses `input_tokens`).
 *
 * @example
 * ```ts
 * const mock = mockExecutor({ behaviours: { a: { statuses: [429] } } });
 * const manager = new Manager({ executors: [mock], credentials: [
 *   { id: 'a', provider: 'mock' }, { id: 'b', provider: 'mock' } ] });
 * const res = await manager.execute({ dialect: 'anthropic-messages',
 *   body: { model: 'mock-model', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] } });
 * res.credentialId; // 'b': 'a' answered 429 and was cooled down
 * ```
 */
export function mockExecutor(options: MockExecutorOptions = {}): MockExecutor {
  const provider = options.provider ?? 'mock';
  const counters = new Map<string, number>();
  const calls: MockCall[] = [];
  let refreshCount = 0;

  const behaviourOf = (credential: Credential): MockBehaviour => {
    const fromMetadata = credential.metadata?.mock as MockBehaviour | undefined;
    return { ...options.defaults, ...fromMetadata, ...options.behaviours?.[credential.id] };
  };

  const executor: MockExecutor = {
    provider,
    calls,
    get refreshCount() {
      return refreshCount;
    },
    nativeDialect: (caller) => caller,
    embeddingWire: () => 'openai',
    async execute(request: ExecutorRequest): Promise<ExecutorResponse> {
      const { credential } = request;
      const behaviour = behaviourOf(credential);
      const n = counters.get(credential.id) ?? 0;
      counters.set(credential.id, n + 1);
      calls.push({
        credentialId: credential.id,
        dialect: request.dialect,
        model: request.model,
        stream: request.stream,
        body: request.body,
        headers: request.headers,
        secret: credential.oauth?.accessToken ?? credential.apiKey,
      });
      if (behaviour.latencyMs) await delay(behaviour.latencyMs, request.signal);
      if (behaviour.stall === 'headers') await delay(Number.POSITIVE_INFINITY, request.signal);
      const status = behaviour.statuses?.[n] ?? 200;
      if (status >= 400) throw mockError(status, behaviour, credential.id);
      if (request.operation === 'count_tokens') {
        return json(renderTokenCount(request.dialect, estimateTokens(request.body)));
      }
      if (request.operation === 'embed') return json(mockEmbeddings(request.model, request.body));
      const chat = toChat(request);
      const reply = behaviour.reply ?? `Mock reply to: ${lastUserText(chat)}`;
      const promptTokens = estimateTokens(chat);
      if (!request.stream) {
        const body = chatCompletion(request.model, reply, behaviour.toolCall, promptTokens);
        const value =
          request.dialect === 'openai-chat'
            ? body
            : translateResponse({ from: 'openai-chat', to: request.dialect, body }).value;
        return json(value);
      }
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: streamBody(request, behaviour, reply, promptTokens),
      };
    },
    async refresh(credential: Credential): Promise<Credential> {
      refreshCount += 1;
      if (options.refresh) return options.refresh(credential);
      return {
        ...credential,
        oauth: {
          ...credential.oauth,
          accessToken: `mock-access-${refreshCount}-${Math.random().toString(36).slice(2, 10)}`,
          expiresAt: Date.now() + 3_600_000,
        },
      };
    },
    async listModels(): Promise<ModelInfo[]> {
      return (options.models ?? ['mock-model']).map((id) => ({ id, provider }));
    },
  };
  return executor;
}

function mockError(status: number, behaviour: MockBehaviour, credentialId: string) {
  const headers: Record<string, string> = {};
  if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
  if (behaviour.retryAfterMs !== undefined) headers['retry-after-ms'] = String(behaviour.retryAfterMs);
  const retryAfterMs = parseRetryAfter(headers, Date.now());
  // The mock's 404 stands for a model this credential lacks (it has no paths to get wrong).
  const kind = status === 404 ? 'not_found' : kindFromStatus(status);
  return createError(kind, `Mock upstream answered ${status}`, {
    status,
    credentialId,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    upstream: {
      provider: 'mock',
      dialect: 'openai-chat',
      status,
      body: { error: { message: `Mock upstream answered ${status}`, type: kind, code: kind } },
    },
  });
}

function json(value: unknown): ExecutorResponse {
  const bytes = encoder.encode(JSON.stringify(value));
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: (async function* () {
      yield bytes;
    })(),
  };
}

function toChat(request: ExecutorRequest): Record<string, unknown> {
  if (request.dialect === 'openai-chat') return request.body;
  try {
    return translateRequest({ from: request.dialect, to: 'openai-chat', body: request.body }).value;
  } catch {
    return {};
  }
}

function lastUserText(chat: Record<string, unknown>): string {
  const messages = Array.isArray(chat.messages) ? (chat.messages as Array<Record<string, unknown>>) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const text = (m.content as Array<Record<string, unknown>>)
        .filter((p) => p.type === 'text' && typeof p.text === 'string')
        .map((p) => p.text as string)
        .join(' ');
      if (text) return text;
    }
  }
  return '(nothing)';
}

function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

function chatCompletion(
  model: string,
  reply: string,
  toolCall: MockBehaviour['toolCall'],
  promptTokens: number,
): Record<string, unknown> {
  const completionTokens = toolCall ? 8 : reply.split(/\s+/).length;
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: toolCall
          ? {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_mock_1',
                  type: 'function',
                  function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) },
                },
              ],
            }
          : { role: 'assistant', content: reply },
        finish_reason: toolCall ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** The answer as OpenAI chat chunks, one SSE event per element. */
function chatChunks(model: string, reply: string, toolCall: MockBehaviour['toolCall'], promptTokens: number): string[] {
  const base = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out = [chunk({ role: 'assistant', content: '' })];
  let completionTokens: number;
  if (toolCall) {
    const args = JSON.stringify(toolCall.arguments);
    const half = Math.ceil(args.length / 2);
    out.push(
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_mock_1',
            type: 'function',
            function: { name: toolCall.name, arguments: args.slice(0, half) },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }),
      chunk({}, 'tool_calls'),
    );
    completionTokens = 8;
  } else {
    const words = reply.split(/(?<= )/);
    for (const word of words) out.push(chunk({ content: word }));
    out.push(chunk({}, 'stop'));
    completionTokens = words.length;
  }
  out.push(
    JSON.stringify({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    }),
  );
  out.push('[DONE]');
  return out;
}

async function* streamBody(
  request: ExecutorRequest,
  behaviour: MockBehaviour,
  reply: string,
  promptTokens: number,
): AsyncGenerator<Uint8Array> {
  if (behaviour.empty) return;
  if (behaviour.stall === 'body') await delay(Number.POSITIVE_INFINITY, request.signal);
  const events = chatChunks(request.model, reply, behaviour.toolCall, promptTokens).map((d) =>
    encoder.encode(`data: ${d}\n\n`),
  );
  const converter =
    request.dialect === 'openai-chat'
      ? undefined
      : createStreamConverter({ from: 'openai-chat', to: request.dialect, includeUsage: true });
  let sent = 0;
  for (const event of events) {
    if (behaviour.dropAfterChunks !== undefined && sent >= behaviour.dropAfterChunks) return;
    if (behaviour.failAfterChunks !== undefined && sent >= behaviour.failAfterChunks) {
      throw new NetworkError('Mock upstream dropped the connection');
    }
    if (behaviour.chunkDelayMs) await delay(behaviour.chunkDelayMs, request.signal);
    if (request.signal.aborted) throw new AbortedError('aborted');
    const out = converter ? converter.transform(event) : event;
    if (out && out.byteLength > 0) {
      sent += 1;
      yield out;
    }
  }
  const tail = converter?.flush();
  if (tail && tail.byteLength > 0) yield tail;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError('The request was aborted'));
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    function done() {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      if (timer) clearTimeout(timer);
      reject(new AbortedError('The request was aborted'));
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An OpenAI embeddings answer with a vector per input that depends only on the input (8 values, or
 * `dimensions`), so the same text always embeds the same.
 */
function mockEmbeddings(model: string, body: Record<string, unknown>): Record<string, unknown> {
  const input = body.input;
  const inputs: unknown[] = Array.isArray(input) && !input.every((t) => typeof t === 'number') ? input : [input];
  const size = typeof body.dimensions === 'number' ? body.dimensions : 8;
  let tokens = 0;
  const data = inputs.map((item, index) => {
    const text = typeof item === 'string' ? item : JSON.stringify(item);
    tokens += Array.isArray(item) ? item.length : estimateTokens({ text });
    let seed = 2166136261;
    for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619);
    const embedding = Array.from({ length: size }, (_, d) => {
      seed = Math.imul(seed ^ (d + 1), 2654435761);
      return ((seed >>> 0) / 0xffffffff) * 2 - 1;
    });
    return { object: 'embedding', index, embedding };
  });
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
