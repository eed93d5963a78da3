import type { Executor } from '../../src/executors/types.js';
import {
  type CoreHandler,
  type CoreRequest,
  type CoreResponse,
  createHandler,
  type HandlerOptions,
} from '../../src/http/index.js';
import { type Credential, Manager, type MockBehaviour, mockExecutor } from '../../src/index.js';

export const KEY = 'sk-client-0123456789abcdef';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
export const messagesBody = (extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
export const geminiBody = () => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });

/** A Manager on the mock provider, its executor wrapped to record every upstream signal. */
export function setup(
  options: { behaviours?: Record<string, MockBehaviour>; handler?: HandlerOptions; credentials?: Credential[] } = {},
) {
  const mock = mockExecutor(options.behaviours ? { behaviours: options.behaviours } : {});
  const signals: AbortSignal[] = [];
  const executor: Executor = {
    provider: mock.provider,
    nativeDialect: (caller, credential) => mock.nativeDialect(caller, credential),
    execute: (request) => {
      signals.push(request.signal);
      return mock.execute(request);
    },
    listModels: (credential) => mock.listModels!(credential),
  };
  const manager = new Manager({
    executors: [executor],
    credentials: options.credentials ?? [
      { id: 'a', provider: 'mock', models: [{ name: 'mock-model' }, { name: 'other-model' }] },
      { id: 'b', provider: 'mock', models: [{ name: 'mock-model' }] },
    ],
    retry: { attempts: 3, baseDelayMs: 0 },
  });
  const handler: CoreHandler = createHandler(manager, options.handler ?? { apiKeys: [KEY] });
  return { manager, mock, signals, handler };
}

/** A core request with JSON body bytes, from loopback, with the client key as a Bearer token. */
export function request(partial: Partial<CoreRequest> & { json?: unknown } = {}): CoreRequest {
  const { json, ...rest } = partial;
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    query: {},
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: json === undefined ? null : encoder.encode(JSON.stringify(json)),
    signal: new AbortController().signal,
    remoteAddress: '127.0.0.1',
    ...rest,
  };
}

export async function text(response: CoreResponse): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  if (body instanceof Uint8Array) return decoder.decode(body);
  let out = '';
  for await (const chunk of body) out += decoder.decode(chunk, { stream: true });
  return out;
}

export async function json(response: CoreResponse): Promise<Record<string, unknown>> {
  return JSON.parse(await text(response)) as Record<string, unknown>;
}

export async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
