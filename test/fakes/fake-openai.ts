import {
  countTokens,
  type FakeReply,
  type FakeResponse,
  type FakeServer,
  fakeVector,
  type RecordedRequest,
  sse,
  startFakeServer,
  words,
} from './fake-server.js';

/** A fake OpenAI: Chat Completions, Responses, embeddings and the model list, stream or not. */
export interface FakeOpenAI extends FakeServer {
  /** What the next answers say. Default `{ text: 'Hello from fake OpenAI' }`. */
  reply: FakeReply;
  /** Base URL to configure a client or credential with (`…/v1`). */
  readonly baseUrl: string;
}

const CREATED = 1_700_000_000;
const COMMON_HEADERS = {
  'x-request-id': 'req_fake_openai',
  'openai-processing-ms': '12',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '2000000',
  'x-ratelimit-remaining-tokens': '1999000',
  'x-ratelimit-reset-tokens': '30ms',
};

/**
 * Starts a fake of the OpenAI API answering in its documented formats.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export async function startFakeOpenAI(reply: FakeReply = { text: 'Hello from fake OpenAI' }): Promise<FakeOpenAI> {
  // The handler reads `fake.reply` at request time, so tests can change it between calls.
  const server = await startFakeServer((req) => answer(req, fake.reply));
  const fake = Object.assign(server, { reply, baseUrl: `${server.url}/v1` });
  return fake;
}

/** An OpenAI error answer, `{ error: { message, type, param, code } }`. */
export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  headers: Record<string, string> = {},
): FakeResponse {
  return {
    status,
    headers: { 'x-request-id': 'req_fake_openai', ...headers },
    body: { error: { message, type, param: null, code } },
  };
}

function answer(req: RecordedRequest, reply: FakeReply): FakeResponse {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const model = typeof body.model === 'string' ? body.model : 'gpt-fake';
  if (req.method === 'GET' && req.path === '/v1/models') {
    return {
      headers: COMMON_HEADERS,
      body: {
        object: 'list',
        data: ['gpt-4o', 'gpt-4o-mini'].map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'system' })),
      },
    };
  }
  if (req.method === 'POST' && req.path === '/v1/chat/completions') return chat(body, model, reply);
  if (req.method === 'POST' && req.path === '/v1/embeddings') return embeddings(body, model, COMMON_HEADERS);
  if (req.method === 'POST' && req.path === '/v1/responses') return responses(body, model, reply);
  if (req.method === 'POST' && req.path === '/v1/responses/input_tokens') {
    return {
      headers: COMMON_HEADERS,
      body: { object: 'response.input_tokens', input_tokens: countTokens(body.input) },
    };
  }
  return openaiError(404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error');
}

function usageOf(body: Record<string, unknown>, reply: FakeReply) {
  const input = countTokens(body.messages ?? body.input);
  const output = countTokens(reply);
  return { input, output };
}

/** A Chat Completions answer, stream or not as the body asks. */
export function chat(body: Record<string, unknown>, model: string, reply: FakeReply): FakeResponse {
  const { input, output } = usageOf(body, reply);
  const usage = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
    id: `call_fake${i + 1}`,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  const base = {
    id: 'chatcmpl-fake1',
    created: CREATED,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  if (body.stream !== true) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: reply.text ?? null,
      refusal: null,
      annotations: [],
    };
    // `reasoning_content` is how DeepSeek and other compatible servers expose thinking in Chat.
    if (reply.thinking) message.reasoning_content = reply.thinking;
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return {
      headers: COMMON_HEADERS,
      body: {
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage,
      },
    };
  }
  const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    sse({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(withUsage ? { usage: null } : {}),
    });
  const chunks = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of words(reply.thinking ?? '')) chunks.push(chunk({ reasoning_content: piece }));
  for (const piece of words(reply.text ?? '')) chunks.push(chunk({ content: piece }));
  toolCalls.forEach((call, index) => {
    const args = call.function.arguments;
    const half = Math.ceil(args.length / 2);
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }),
    );
  });
  chunks.push(chunk({}, finish));
  if (withUsage) chunks.push(sse({ ...base, object: 'chat.completion.chunk', choices: [], usage }));
  chunks.push(sse('[DONE]'));
  return { headers: { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' }, chunks };
}

/** A Responses API answer, stream or not as the body asks. */
export function responses(body: Record<string, unknown>, model: string, reply: FakeReply): FakeResponse {
  const { input, output } = usageOf(body, reply);
  const items: Array<Record<string, unknown>> = [];
  if (reply.thinking) {
    items.push({ type: 'reasoning', id: 'rs_fake1', summary: [{ type: 'summary_text', text: reply.thinking }] });
  }
  if (reply.text !== undefined) {
    items.push({
      type: 'message',
      id: 'msg_fake1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }],
    });
  }
  (reply.toolCalls ?? []).forEach((call, i) => {
    items.push({
      type: 'function_call',
      id: `fc_fake${i + 1}`,
      call_id: `call_fake${i + 1}`,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
      status: 'completed',
    });
  });
  const response = (status: string, output: unknown[], usage: unknown) => ({
    id: 'resp_fake1',
    object: 'response',
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    metadata: {},
  });
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reply.thinking ? countTokens(reply.thinking) : 0 },
    total_tokens: input + output,
  };
  if (body.stream !== true) return { headers: COMMON_HEADERS, body: response('completed', items, usage) };

  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    sse({ type, sequence_number: sequence++, ...data }, type);
  const chunks = [
    event('response.created', { response: response('in_progress', [], null) }),
    event('response.in_progress', { response: response('in_progress', [], null) }),
  ];
  items.forEach((item, outputIndex) => {
    const at = { output_index: outputIndex, item_id: item.id };
    if (item.type === 'reasoning') {
      chunks.push(event('response.output_item.added', { output_index: outputIndex, item: { ...item, summary: [] } }));
      const part = { type: 'summary_text', text: '' };
      chunks.push(event('response.reasoning_summary_part.added', { ...at, summary_index: 0, part }));
      for (const piece of words(reply.thinking ?? '')) {
        chunks.push(event('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta: piece }));
      }
      chunks.push(event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: reply.thinking }));
      chunks.push(
        event('response.reasoning_summary_part.done', {
          ...at,
          summary_index: 0,
          part: { ...part, text: reply.thinking },
        }),
      );
    } else if (item.type === 'message') {
      chunks.push(
        event('response.output_item.added', {
          output_index: outputIndex,
          item: { ...item, status: 'in_progress', content: [] },
        }),
      );
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      chunks.push(event('response.content_part.added', { ...at, content_index: 0, part }));
      for (const piece of words(reply.text ?? '')) {
        chunks.push(event('response.output_text.delta', { ...at, content_index: 0, delta: piece, logprobs: [] }));
      }
      chunks.push(event('response.output_text.done', { ...at, content_index: 0, text: reply.text, logprobs: [] }));
      chunks.push(
        event('response.content_part.done', { ...at, content_index: 0, part: { ...part, text: reply.text } }),
      );
    } else {
      const args = item.arguments as string;
      chunks.push(
        event('response.output_item.added', {
          output_index: outputIndex,
          item: { ...item, arguments: '', status: 'in_progress' },
        }),
      );
      chunks.push(event('response.function_call_arguments.delta', { ...at, delta: args }));
      chunks.push(event('response.function_call_arguments.done', { ...at, arguments: args }));
    }
    chunks.push(event('response.output_item.done', { output_index: outputIndex, item }));
  });
  chunks.push(event('response.completed', { response: response('completed', items, usage) }));
  return { headers: { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' }, chunks };
}

/** The most inputs one embeddings request takes. */
const MAX_EMBEDDING_INPUTS = 2048;

/**
 * An embeddings answer (`POST /v1/embeddings`): one `{ object: 'embedding', index, embedding }` per
 * input, in order, as floats or (`encoding_format: base64`) base64 of little-endian float32, with
 * `usage.prompt_tokens` and `total_tokens`. Inputs: a string, strings, a token array or token arrays;
 * vectors are {@link fakeVector} of the text (of the JSON of a token array), `dimensions` long when asked.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
export function embeddings(
  body: Record<string, unknown>,
  model: string,
  headers: Record<string, string>,
): FakeResponse {
  const bad = (message: string, param: string | null = null): FakeResponse => ({
    status: 400,
    headers,
    body: { error: { message, type: 'invalid_request_error', param, code: null } },
  });
  const input = body.input;
  if (input === undefined) return bad("'input' is a required property");
  const isTokens = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));
  let inputs: unknown[];
  if (typeof input === 'string' || isTokens(input)) inputs = [input];
  else if (Array.isArray(input) && input.length > 0) inputs = input;
  else
    return bad("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
  if (inputs.length > MAX_EMBEDDING_INPUTS) {
    return bad(`'$.input' is invalid: at most ${MAX_EMBEDDING_INPUTS} inputs are allowed per request.`, 'input');
  }
  if (!inputs.every((item) => typeof item === 'string' || isTokens(item))) {
    return bad("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return bad(`'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`, 'encoding_format');
  }
  const dimensions = body.dimensions;
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1)) {
    return bad('Invalid value for dimensions: must be a positive integer.', 'dimensions');
  }
  let tokens = 0;
  const data = inputs.map((item, index) => {
    const text = typeof item === 'string' ? item : JSON.stringify(item);
    tokens += typeof item === 'string' ? countTokens(item) : (item as number[]).length;
    const vector = fakeVector(text, dimensions as number | undefined);
    const embedding = format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  return {
    headers,
    body: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
  };
}
