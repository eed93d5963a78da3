import type { Credential } from '../../core/credential.js';
import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
import { readBedrockError } from '../../translate/bedrock-converse/errors.js';
import type { Dialect } from '../../translate/dialect.js';
import { bedrockEmbeddingWire } from '../../translate/embeddings/bedrock.js';
import { createHttpExecutor } from '../base/create-http-executor.js';
import type { HttpExecutor, HttpExecutorOptions, PathInput, ProviderDeclaration, SignInput } from '../base/types.js';
import type { ExecutorRequest } from '../types.js';
import { BEDROCK_PROVIDER } from './bedrock-credential.js';
import { bedrockModelPath } from './bedrock-paths.js';
import { bedrockDialect, readBedrockSettings } from './bedrock-settings.js';
import { eventStreamToSse } from './event-stream-to-sse.js';
import { signSigV4 } from './sign-sigv4.js';

/** The `anthropic_version` InvokeModel takes for Claude's Messages body. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

/** The SigV4 signing name of the Bedrock runtime. */
const SIGNING_SERVICE = 'bedrock';

/** The runtime operation of one call. */
function bedrockPath({ dialect, operation, model, stream }: PathInput): string | undefined {
  const base = bedrockModelPath(model);
  if (operation === 'count_tokens') return `${base}/count-tokens`;
  // Embedding models are called through InvokeModel with their own body (Titan's, Cohere's).
  if (operation === 'embed') return bedrockEmbeddingWire(model) ? `${base}/invoke` : undefined;
  if (dialect === 'bedrock-converse') return `${base}/${stream ? 'converse-stream' : 'converse'}`;
  if (dialect === 'anthropic-messages') return `${base}/${stream ? 'invoke-with-response-stream' : 'invoke'}`;
  return undefined;
}

/**
 * The body sent: the model is in the path and streaming in the operation, so neither is in the body.
 * The Messages body of InvokeModel carries `anthropic_version: bedrock-2023-05-31` and the caller's
 * `anthropic-beta` header as `anthropic_beta` (Bedrock reads betas from the body).
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 */
function bedrockBody(request: ExecutorRequest): Record<string, unknown> {
  if (request.operation === 'embed') return request.body;
  const { model: _model, stream: _stream, ...body } = request.body;
  if (request.operation === 'count_tokens') return countTokensBody(request.dialect, body);
  if (request.dialect !== 'anthropic-messages') return body;
  const out: Record<string, unknown> = { anthropic_version: BEDROCK_ANTHROPIC_VERSION, ...body };
  const betas = request.headers['anthropic-beta'];
  if (betas && out.anthropic_beta === undefined) {
    const list = betas
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (list.length > 0) out.anthropic_beta = list;
  }
  return out;
}

/**
 * The CountTokens body: `{ input: { converse: { messages, system, toolConfig, ... } } }`, or for
 * Claude's Messages body `{ input: { invokeModel: { body } } }` with the InvokeModel body as base64
 * JSON. That body must be one InvokeModel accepts, so it carries `anthropic_version` and a
 * `max_tokens` (required there, irrelevant to the count) when the caller's count request has none.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html
 */
function countTokensBody(dialect: Dialect, body: Record<string, unknown>): Record<string, unknown> {
  if (dialect === 'bedrock-converse') {
    const { inferenceConfig: _inference, ...converse } = body;
    return { input: { converse } };
  }
  const invoke = { anthropic_version: BEDROCK_ANTHROPIC_VERSION, max_tokens: 1, ...body };
  return { input: { invokeModel: { body: Buffer.from(JSON.stringify(invoke), 'utf8').toString('base64') } } };
}

/** CountTokens answers `{ inputTokens }`; every count reader (and an Anthropic caller) reads `input_tokens`. */
function countTokensAnswer(bytes: Uint8Array, request: ExecutorRequest): Uint8Array {
  if (request.operation !== 'count_tokens') return bytes;
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { inputTokens?: unknown };
    if (typeof parsed.inputTokens !== 'number') return bytes;
    return new TextEncoder().encode(JSON.stringify({ input_tokens: parsed.inputTokens }));
  } catch {
    return bytes;
  }
}

/**
 * How Bedrock's errors read: `{ "message": "..." }` with the exception name in `x-amzn-errortype`.
 * ThrottlingException and ServiceQuotaExceededException are rate limits (the wait from `Retry-After`
 * when sent, else the Manager's backoff); ModelNotReadyException and ServiceUnavailableException are
 * transient; ValidationException is the caller's request (no retry, no cooldown); AccessDeniedException
 * is forbidden and UnrecognizedClientException (a wrong key or signature) unauthorized, both the
 * credential's; ResourceNotFoundException is a model this account does not have.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 * @example
 * ```ts
 * parseBedrockError({ status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' },
 *   json: { message: 'Too many requests' }, text: '', now: 0 });
 * // { kind: 'rate_limited', message: 'Too many requests' }
 * ```
 */
export function parseBedrockError(failure: UpstreamFailure): ErrorClassification {
  const read = readBedrockError(failure.status, failure.json, failure.headers);
  const out: ErrorClassification = { kind: read.kind };
  const message = read.message ?? (failure.text || undefined);
  if (message !== undefined) out.message = read.type ? `${read.type}: ${message}` : message;
  return out;
}

/** Signs with SigV4 for access keys; a Bedrock API key is a bearer token (see `authHeaders`) and signs nothing. */
function signBedrock(input: SignInput): Record<string, string> {
  const settings = readBedrockSettings(input.credential);
  if (settings.accessKeyId === undefined) return {};
  return signSigV4({
    method: input.method,
    url: input.url,
    headers: input.headers,
    body: input.body,
    service: SIGNING_SERVICE,
    region: settings.region,
    keys: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: input.credential.apiKey ?? '',
      sessionToken: input.credential.oauth?.accessToken,
    },
  });
}

/**
 * AWS Bedrock runtime as a {@link ProviderDeclaration}. Each model is called through Converse /
 * ConverseStream (dialect `bedrock-converse`) or, for Claude, InvokeModel /
 * InvokeModelWithResponseStream with the Anthropic Messages body (dialect `anthropic-messages`), as its
 * mode says (see {@link BedrockMode}); embeddings through InvokeModel with the Titan or Cohere Embed
 * body (see `bedrockEmbeddingWire`); model ids with `:`, inference-profile ids and ARNs are
 * percent-encoded into the path. Requests are signed with SigV4 (service `bedrock`, the credential's
 * region) or carry a Bedrock API key as `Authorization: Bearer`. Stream answers are AWS event streams,
 * turned into SSE of the request's dialect before translation.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html
 * @example
 * ```ts
 * const executor = createHttpExecutor(bedrockDeclaration(), { headersTimeoutMs: 120_000 });
 * ```
 */
export function bedrockDeclaration(provider = BEDROCK_PROVIDER): ProviderDeclaration {
  return {
    provider,
    // Every credential has its region's endpoint (or an override) as its base URL.
    baseUrl: '',
    nativeDialect: (caller: Dialect, credential: Credential, model?: string) =>
      bedrockDialect(caller, readBedrockSettings(credential), model),
    authHeaders(credential: Credential): Record<string, string> {
      const settings = readBedrockSettings(credential);
      if (settings.accessKeyId !== undefined) return {};
      return credential.apiKey ? { authorization: `Bearer ${credential.apiKey}` } : {};
    },
    // Bedrock has no model-independent embedding API: the model's InvokeModel body decides.
    embeddingWire: (_credential: Credential, model: string) => bedrockEmbeddingWire(model),
    requestHeaders: (request) => ({
      accept: request.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    }),
    path: bedrockPath,
    body: bedrockBody,
    sign: signBedrock,
    streamBody: (body, request) =>
      eventStreamToSse(body, request.dialect === 'bedrock-converse' ? 'converse' : 'invoke'),
    responseBody: countTokensAnswer,
    parseError: parseBedrockError,
  };
}

/** Options of {@link bedrockExecutor}. */
export interface BedrockExecutorOptions extends Omit<HttpExecutorOptions, 'baseUrl'> {
  /** Provider id credentials refer to. Default `bedrock`. */
  provider?: string;
}

/**
 * Executor for the AWS Bedrock runtime. Everything about an account is on its credential (build one
 * with {@link bedrockCredential}): the region's endpoint (or an override) in `baseUrl`, the region,
 * access key id and per-model modes in `metadata.bedrock`, the secret access key or Bedrock API key in
 * `apiKey`, a session token in `oauth.accessToken`.
 *
 * @example
 * ```ts
 * const manager = new Manager({ executors: [bedrockExecutor()], credentials: [
 *   bedrockCredential({ id: 'aws', region: 'us-east-1', auth: { apiKey: process.env.AWS_BEARER_TOKEN_BEDROCK! },
 *     models: [{ name: 'us.anthropic.claude-sonnet-4-20250514-v1:0', alias: 'claude-sonnet-4' }] }),
 * ] });
 * ```
 */
export function bedrockExecutor(options: BedrockExecutorOptions = {}): HttpExecutor {
  const { provider, ...http } = options;
  return createHttpExecutor(bedrockDeclaration(provider), http);
}
