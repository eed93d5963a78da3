import {
  countTokens,
  type FakeReply,
  type FakeResponse,
  type FakeServer,
  type RecordedRequest,
  sse,
  startFakeServer,
  words,
} from './fake-server.js';

/** A fake Anthropic: Messages (stream or not), count_tokens and the model list. */
export interface FakeAnthropic extends FakeServer {
  /** What the next answers say. Default `{ text: 'Hello from fake Claude' }`. */
  reply: FakeReply;
  /** The models `GET /v1/models` lists, newest first as the API does. Default two Claude models. */
  models: FakeAnthropicModel[];
  /** Largest page the model list answers whatever `limit` asks (the API's own cap is 1000). */
  maxPageSize: number;
}

/** A model object of `GET /v1/models`. */
export interface FakeAnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  /** RFC 3339. */
  created_at: string;
}

/** The models the fake lists by default. */
export function defaultAnthropicModels(): FakeAnthropicModel[] {
  return [
    { type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
    { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z' },
  ];
}

const RESET = '2030-01-01T00:00:00Z';
const COMMON_HEADERS = {
  'request-id': 'req_fake_anthropic',
  'anthropic-organization-id': 'org-fake',
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-requests-reset': RESET,
  'anthropic-ratelimit-tokens-limit': '400000',
  'anthropic-ratelimit-tokens-remaining': '399000',
  'anthropic-ratelimit-tokens-reset': RESET,
};

/**
 * Starts a fake of the Anthropic API answering in its documented formats.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export async function startFakeAnthropic(
  reply: FakeReply = { text: 'Hello from fake Claude' },
): Promise<FakeAnthropic> {
  // The handler reads `fake.reply` at request time, so tests can change it between calls.
  const server = await startFakeServer((req) => answer(req, fake));
  const fake: FakeAnthropic = Object.assign(server, { reply, models: defaultAnthropicModels(), maxPageSize: 1000 });
  return fake;
}

/** An Anthropic error answer, `{ type: 'error', error: { type, message }, request_id }`. */
export function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return {
    status,
    headers: { 'request-id': 'req_fake_anthropic', ...headers },
    body: { type: 'error', error: { type, message }, request_id: 'req_fake_anthropic' },
  };
}

function answer(req: RecordedRequest, fake: FakeAnthropic): FakeResponse {
  const { reply } = fake;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const path = req.path.split('?')[0];
  if (!req.headers['x-api-key'] && !req.headers.authorization) {
    return anthropicError(401, 'authentication_error', 'x-api-key header is required');
  }
  // The API refuses every request without a version, the model list included.
  if (!req.headers['anthropic-version']) {
    return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
  }
  if (req.method === 'GET' && path === '/v1/models') return listModels(req, fake);
  if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
    return { headers: COMMON_HEADERS, body: { input_tokens: countTokens([body.system, body.messages, body.tools]) } };
  }
  if (req.method === 'POST' && path === '/v1/messages') return anthropicMessages(body, reply);
  return anthropicError(404, 'not_found_error', 'Not found');
}

/**
 * One page of the model list: `limit` (1-1000, default 20), `after_id` / `before_id` cursors,
 * `has_more` in the direction asked, `first_id` / `last_id` (null on an empty page).
 * @see https://docs.anthropic.com/en/api/models-list
 */
function listModels(req: RecordedRequest, fake: FakeAnthropic): FakeResponse {
  const query = new URLSearchParams(req.path.split('?')[1] ?? '');
  const limit = Number(query.get('limit') ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return anthropicError(400, 'invalid_request_error', 'limit: Input should be between 1 and 1000');
  }
  const size = Math.min(limit, fake.maxPageSize);
  const all = fake.models;
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  let data: FakeAnthropicModel[];
  let hasMore: boolean;
  if (beforeId !== null) {
    const end = Math.max(
      0,
      all.findIndex((m) => m.id === beforeId),
    );
    data = all.slice(Math.max(0, end - size), end);
    hasMore = end - size > 0;
  } else {
    const start = afterId === null ? 0 : all.findIndex((m) => m.id === afterId) + 1;
    data = all.slice(start, start + size);
    hasMore = start + size < all.length;
  }
  return {
    headers: COMMON_HEADERS,
    body: { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
  };
}

function contentBlocks(reply: FakeReply): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  if (reply.thinking)
    blocks.push({ type: 'thinking', thinking: reply.thinking, signature: 'EqQBCgIYAhIM-fake-signature' });
  if (reply.text !== undefined) blocks.push({ type: 'text', text: reply.text });
  (reply.toolCalls ?? []).forEach((call, i) => {
    blocks.push({ type: 'tool_use', id: `toolu_fake${i + 1}`, name: call.name, input: call.arguments });
  });
  return blocks;
}

/**
 * A Messages answer, stream or not as `body.stream` says (shared with the fake Vertex AI, which names
 * the model in the path and passes it as `model`).
 */
export function anthropicMessages(body: Record<string, unknown>, reply: FakeReply, model?: string): FakeResponse {
  model ??= typeof body.model === 'string' ? body.model : 'claude-fake';
  const inputTokens = countTokens([body.system, body.messages, body.tools]);
  const outputTokens = countTokens(reply);
  const blocks = contentBlocks(reply);
  const stopReason = reply.toolCalls?.length ? 'tool_use' : 'end_turn';
  const message = (content: unknown[], stop: string | null, output: number) => ({
    id: 'msg_fake1',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      input_tokens: inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: output,
      service_tier: 'standard',
    },
  });
  if (body.stream !== true) return { headers: COMMON_HEADERS, body: message(blocks, stopReason, outputTokens) };

  const event = (type: string, data: Record<string, unknown>) => sse({ type, ...data }, type);
  const chunks = [event('message_start', { message: message([], null, 1) }), event('ping', {})];
  blocks.forEach((block, index) => {
    if (block.type === 'thinking') {
      chunks.push(
        event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      );
      for (const piece of words(block.thinking as string)) {
        chunks.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } }));
      }
      chunks.push(
        event('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } }),
      );
    } else if (block.type === 'text') {
      chunks.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const piece of words(block.text as string)) {
        chunks.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
      }
    } else {
      chunks.push(event('content_block_start', { index, content_block: { ...block, input: {} } }));
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const part of ['', json.slice(0, half), json.slice(half)]) {
        chunks.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }));
      }
    }
    chunks.push(event('content_block_stop', { index }));
  });
  chunks.push(
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
    event('message_stop', {}),
  );
  return {
    headers: { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    chunks,
  };
}
