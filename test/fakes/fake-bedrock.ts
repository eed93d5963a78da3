import { createHash, createHmac, randomUUID } from 'node:crypto';
import { encodeEventStreamMessage } from '../../src/executors/bedrock/event-stream.js';
import {
  countTokens,
  type FakeReply,
  type FakeResponse,
  type FakeServer,
  type RecordedRequest,
  startFakeServer,
  words,
} from './fake-server.js';

/**
 * A fake AWS Bedrock runtime (`bedrock-runtime.{region}.amazonaws.com`) speaking the documented wire
 * format:
 * - `POST /model/{modelId}/converse` and `/converse-stream` (Converse; the stream as
 *   `application/vnd.amazon.eventstream` messages named by `:event-type`, payloads padded with `p`);
 * - `POST /model/{modelId}/invoke` and `/invoke-with-response-stream` with Claude's Messages body
 *   (`anthropic_version: bedrock-2023-05-31`, no `model`), the stream as `chunk` events whose `bytes`
 *   are base64 Anthropic stream events, the last carrying `amazon-bedrock-invocationMetrics`.
 *
 * Authentication is checked as AWS does: a SigV4 `Authorization` header is verified by recomputing the
 * signature from the signed headers (an implementation of its own, independent of switchyard's
 * signer); a Bedrock API key comes as `Authorization: Bearer`. Errors are `{ "message" }` bodies with
 * the exception in `x-amzn-errortype`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html
 */
export interface FakeBedrock extends FakeServer {
  reply: FakeReply;
  options: FakeBedrockOptions;
  /** Why the last request's authentication failed, when it did. */
  readonly authFailures: string[];
}

export interface FakeBedrockOptions {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Required in `x-amz-security-token` when set. */
  sessionToken?: string;
  /** A Bedrock API key accepted as `Authorization: Bearer`. */
  apiKey: string;
  /** Model ids (and inference-profile ids, ARNs) the account can call. */
  models: string[];
  /** Cache tokens the answers report read. Default 0 (none reported). */
  cacheReadTokens?: number;
  /** A stream exception sent after the first content event: its camel-case name and message. */
  streamException?: { type: string; message: string };
}

export const DEFAULT_BEDROCK: FakeBedrockOptions = {
  region: 'us-east-1',
  accessKeyId: 'AKIAFAKEBEDROCK00001',
  secretAccessKey: 'fakeSecretKey/0123456789abcdefABCDEF0123',
  apiKey: 'ABSKfakeBedrockApiKey0123456789',
  models: [
    'anthropic.claude-3-5-haiku-20241022-v1:0',
    'us.anthropic.claude-sonnet-4-20250514-v1:0',
    'amazon.nova-lite-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
  ],
};

/** A Bedrock error answer: `{ message }` with the exception name in `x-amzn-errortype`. */
export function bedrockError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': randomUUID(),
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ message }),
  };
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The account a fake Bedrock endpoint authenticates callers against. */
export type FakeBedrockAccount = Pick<
  FakeBedrockOptions,
  'region' | 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'apiKey'
>;

/** Why a SigV4 request is refused, or undefined when its signature is right. */
export function verifySigV4(
  req: RecordedRequest,
  options: FakeBedrockAccount,
): { type: string; why: string } | undefined {
  const auth = String(req.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) return { type: 'IncompleteSignatureException', why: 'malformed Authorization header' };
  const [, keyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== options.accessKeyId) return { type: 'UnrecognizedClientException', why: 'unknown access key' };
  if (region !== options.region || service !== 'bedrock')
    return { type: 'InvalidSignatureException', why: `credential scope ${region}/${service}` };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(day!)) return { type: 'InvalidSignatureException', why: 'x-amz-date outside the scope day' };
  if (options.sessionToken !== undefined && req.headers['x-amz-security-token'] !== options.sessionToken)
    return { type: 'UnrecognizedClientException', why: 'session token missing or wrong' };
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return { type: 'InvalidSignatureException', why: 'host and x-amz-date must be signed' };
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const [rawPath, rawQuery = ''] = req.path.split('?');
  const canonicalUri = rawPath!
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
  const query = [...new URLSearchParams(rawQuery)]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonical = [req.method, canonicalUri, query, canonicalHeaders, signedHeaders, sha256(req.rawBody)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key: Buffer | string = `AWS4${options.secretAccessKey}`;
  for (const part of [day!, region!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, toSign).toString('hex');
  if (expected !== signature) return { type: 'InvalidSignatureException', why: 'signature mismatch' };
  return undefined;
}

/**
 * Authenticates a request as the Bedrock runtime does: a Bedrock API key as `Authorization: Bearer`, or
 * a SigV4 signature verified by {@link verifySigV4}. The error answer when it fails (the reason pushed
 * onto `failures`), undefined when it passes.
 */
export function refuseBedrockAuth(
  req: RecordedRequest,
  account: FakeBedrockAccount,
  failures: string[],
): FakeResponse | undefined {
  const auth = String(req.headers.authorization ?? '');
  if (auth.startsWith('Bearer ')) {
    if (auth.slice(7) === account.apiKey) return undefined;
    failures.push('wrong API key');
    return bedrockError(
      403,
      'UnrecognizedClientException',
      'Invalid API Key format: Must start with pre-defined prefix',
    );
  }
  if (auth === '') {
    failures.push('no Authorization');
    return bedrockError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const refused = verifySigV4(req, account);
  if (!refused) return undefined;
  failures.push(refused.why);
  return bedrockError(
    403,
    refused.type,
    refused.type === 'UnrecognizedClientException'
      ? 'The security token included in the request is invalid.'
      : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
}

/** Bedrock pads stream payloads with a `p` field of varying length. */
const pad = (n: number) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123'.slice(0, 4 + (n % 40));

function eventFrame(type: string, payload: Record<string, unknown>, n: number): Uint8Array {
  return encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify({ ...payload, p: pad(n) }), 'utf8'),
  );
}

function exceptionFrame(type: string, message: string): Uint8Array {
  return encodeEventStreamMessage(
    { ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  );
}

/** Starts the fake runtime on 127.0.0.1. */
export async function startFakeBedrock(
  options: Partial<FakeBedrockOptions> = {},
  reply: FakeReply = { text: 'Hello from fake Bedrock' },
): Promise<FakeBedrock> {
  const authFailures: string[] = [];
  const server = await startFakeServer((req) => handle(req));
  const fake: FakeBedrock = Object.assign(server, { reply, options: { ...DEFAULT_BEDROCK, ...options }, authFailures });

  function handle(req: RecordedRequest): FakeResponse {
    const o = fake.options;
    const refused = refuseBedrockAuth(req, o, authFailures);
    if (refused) return refused;
    const route =
      /^\/model\/([^/?]+)\/(converse|converse-stream|invoke|invoke-with-response-stream|count-tokens)$/.exec(
        req.path.split('?')[0]!,
      );
    if (req.method !== 'POST' || !route) return bedrockError(404, 'UnknownOperationException', 'Unknown operation');
    const modelId = decodeURIComponent(route[1]!);
    const operation = route[2]!;
    if (!o.models.includes(modelId)) {
      return bedrockError(
        404,
        'ResourceNotFoundException',
        'Could not resolve the foundation model from the provided model identifier.',
      );
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (operation === 'count-tokens') return countTokensAnswer(body);
    if (operation.startsWith('converse')) {
      if (!Array.isArray(body.messages) || body.messages.length === 0) {
        return bedrockError(400, 'ValidationException', 'The value at messages must be a non-empty list');
      }
      for (const key of ['model', 'stream', 'modelId']) {
        if (key in body) return bedrockError(400, 'ValidationException', `Unexpected field: ${key}`);
      }
      return operation === 'converse' ? converse(body) : converseStream(body);
    }
    if (body.anthropic_version !== 'bedrock-2023-05-31') {
      return bedrockError(
        400,
        'ValidationException',
        'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.',
      );
    }
    for (const key of ['model', 'stream']) {
      if (key in body)
        return bedrockError(
          400,
          'ValidationException',
          `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
        );
    }
    return operation === 'invoke' ? invoke(modelId, body) : invokeStream(modelId, body);
  }

  /** CountTokens: `{ input: { converse } }` or `{ input: { invokeModel: { body } } }` (the body base64). */
  function countTokensAnswer(body: Record<string, unknown>): FakeResponse {
    const input = (body.input ?? {}) as { converse?: Record<string, unknown>; invokeModel?: { body?: unknown } };
    let messages: unknown;
    if (input.converse !== undefined) messages = input.converse.messages;
    else if (typeof input.invokeModel?.body === 'string') {
      const invoke = JSON.parse(Buffer.from(input.invokeModel.body, 'base64').toString('utf8')) as Record<
        string,
        unknown
      >;
      if (invoke.anthropic_version !== 'bedrock-2023-05-31' || typeof invoke.max_tokens !== 'number') {
        return bedrockError(400, 'ValidationException', 'The provided request body is not valid for InvokeModel');
      }
      messages = invoke.messages;
    }
    if (!Array.isArray(messages)) return bedrockError(400, 'ValidationException', 'input must hold messages');
    return { headers: { 'content-type': 'application/json' }, body: { inputTokens: countTokens(messages) } };
  }

  function usage(body: Record<string, unknown>) {
    const input = countTokens(body.messages);
    const output = countTokens([fake.reply.text, fake.reply.thinking, fake.reply.toolCalls]);
    return { input, output, cacheRead: fake.options.cacheReadTokens ?? 0 };
  }

  function toolIds() {
    return (fake.reply.toolCalls ?? []).map(() => `tooluse_${randomUUID().replace(/-/g, '').slice(0, 22)}`);
  }

  function converse(body: Record<string, unknown>): FakeResponse {
    const { text, thinking, toolCalls = [] } = fake.reply;
    const ids = toolIds();
    const content: unknown[] = [];
    if (thinking)
      content.push({ reasoningContent: { reasoningText: { text: thinking, signature: 'EqQBbedrockSig' } } });
    if (text) content.push({ text });
    toolCalls.forEach((call, i) => {
      content.push({ toolUse: { toolUseId: ids[i], name: call.name, input: call.arguments } });
    });
    const u = usage(body);
    return {
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
      body: {
        metrics: { latencyMs: 123 },
        output: { message: { content, role: 'assistant' } },
        stopReason: toolCalls.length > 0 ? 'tool_use' : 'end_turn',
        usage: {
          inputTokens: u.input,
          outputTokens: u.output,
          totalTokens: u.input + u.output + u.cacheRead,
          ...(u.cacheRead ? { cacheReadInputTokens: u.cacheRead, cacheWriteInputTokens: 0 } : {}),
        },
      },
    };
  }

  function converseStream(body: Record<string, unknown>): FakeResponse {
    const { text, thinking, toolCalls = [] } = fake.reply;
    const ids = toolIds();
    const frames: Uint8Array[] = [];
    let n = 0;
    const push = (type: string, payload: Record<string, unknown>) => frames.push(eventFrame(type, payload, n++));
    push('messageStart', { role: 'assistant' });
    let index = 0;
    if (thinking) {
      for (const piece of words(thinking))
        push('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: piece } } });
      push('contentBlockDelta', {
        contentBlockIndex: index,
        delta: { reasoningContent: { signature: 'EqQBbedrockSig' } },
      });
      push('contentBlockStop', { contentBlockIndex: index++ });
    }
    if (text) {
      let first = true;
      for (const piece of words(text)) {
        push('contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } });
        if (first && fake.options.streamException) {
          frames.push(exceptionFrame(fake.options.streamException.type, fake.options.streamException.message));
          return streamAnswer(frames);
        }
        first = false;
      }
      push('contentBlockStop', { contentBlockIndex: index++ });
    }
    toolCalls.forEach((call, i) => {
      push('contentBlockStart', {
        contentBlockIndex: index,
        start: { toolUse: { toolUseId: ids[i], name: call.name } },
      });
      const json = JSON.stringify(call.arguments);
      const half = Math.floor(json.length / 2);
      for (const piece of [json.slice(0, half), json.slice(half)])
        push('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: piece } } });
      push('contentBlockStop', { contentBlockIndex: index++ });
    });
    push('messageStop', { stopReason: toolCalls.length > 0 ? 'tool_use' : 'end_turn' });
    const u = usage(body);
    push('metadata', {
      usage: {
        inputTokens: u.input,
        outputTokens: u.output,
        totalTokens: u.input + u.output + u.cacheRead,
        ...(u.cacheRead ? { cacheReadInputTokens: u.cacheRead, cacheWriteInputTokens: 0 } : {}),
      },
      metrics: { latencyMs: 321 },
    });
    return streamAnswer(frames);
  }

  function streamAnswer(frames: Uint8Array[]): FakeResponse {
    // Frames are written split across chunk boundaries, as TCP may deliver them.
    const all = Buffer.concat(frames);
    const chunks: Uint8Array[] = [];
    for (let at = 0, size = 7; at < all.length; at += size, size = ((size * 5) % 97) + 13)
      chunks.push(all.subarray(at, at + size));
    return {
      headers: {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-requestid': randomUUID(),
        'x-amzn-bedrock-content-type': 'application/json',
      },
      chunks,
    };
  }

  function anthropicMessage(modelId: string, body: Record<string, unknown>, ids: string[]) {
    const { text, thinking, toolCalls = [] } = fake.reply;
    const content: Record<string, unknown>[] = [];
    if (thinking) content.push({ type: 'thinking', thinking, signature: 'EqQBbedrockSig' });
    if (text) content.push({ type: 'text', text });
    toolCalls.forEach((call, i) => {
      content.push({ type: 'tool_use', id: ids[i], name: call.name, input: call.arguments });
    });
    const u = usage(body);
    return {
      id: `msg_bdrk_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      type: 'message',
      role: 'assistant',
      model: modelId.replace(/^.*?anthropic\./, '').replace(/-v\d+:\d+$/, ''),
      content,
      stop_reason: toolCalls.length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: u.input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: u.cacheRead,
        output_tokens: u.output,
      },
    };
  }

  function invoke(modelId: string, body: Record<string, unknown>): FakeResponse {
    return {
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
        'x-amzn-bedrock-input-token-count': String(usage(body).input),
      },
      body: anthropicMessage(modelId, body, toolIds()),
    };
  }

  function invokeStream(modelId: string, body: Record<string, unknown>): FakeResponse {
    const message = anthropicMessage(modelId, body, toolIds());
    const events: Record<string, unknown>[] = [];
    events.push({
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
    });
    message.content.forEach((block, index) => {
      if (block.type === 'thinking') {
        events.push({
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        });
        for (const piece of words(String(block.thinking)))
          events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } });
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature: block.signature },
        });
      } else if (block.type === 'text') {
        events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        for (const piece of words(String(block.text)))
          events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      } else {
        events.push({
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
      }
      events.push({ type: 'content_block_stop', index });
    });
    events.push({
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: message.usage.output_tokens },
    });
    events.push({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: message.usage.input_tokens,
        outputTokenCount: message.usage.output_tokens,
        invocationLatency: 456,
        firstByteLatency: 123,
      },
    });
    const frames = events.map((event, n) => {
      const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64');
      return eventFrame('chunk', { bytes }, n);
    });
    if (fake.options.streamException) {
      frames.splice(
        3,
        frames.length,
        exceptionFrame(fake.options.streamException.type, fake.options.streamException.message),
      );
    }
    return streamAnswer(frames);
  }

  return fake;
}
