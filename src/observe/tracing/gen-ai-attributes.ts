/**
 * Attribute names of the OpenTelemetry semantic conventions for GenAI client spans, as of semantic
 * conventions v1.41.0 (status: development), plus switchyard's own under `switchyard.`.
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheWriteTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  errorType: 'error.type',
  credentialId: 'switchyard.credential.id',
  attempt: 'switchyard.attempt',
  attempts: 'switchyard.attempts',
  provider: 'switchyard.provider',
  dialect: 'switchyard.dialect',
  stream: 'switchyard.stream',
  requestId: 'switchyard.request.id',
  ttfbMs: 'switchyard.time_to_first_byte_ms',
  cooldownReason: 'switchyard.cooldown.reason',
  cooldownModel: 'switchyard.cooldown.model',
  incomplete: 'switchyard.incomplete',
  requestBody: 'switchyard.request.body',
  responseBody: 'switchyard.response.body',
  contentTruncated: 'switchyard.content.truncated',
} as const;

/** Every request is a chat-style inference, whatever its dialect. */
export const OPERATION = 'chat';

/** Our provider ids that have a well-known `gen_ai.provider.name` of another spelling. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  gemini: 'gcp.gemini',
  'gemini-cli': 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  codex: 'openai',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

/** The `gen_ai.provider.name` of a switchyard provider id (the id itself when it has no well-known name). */
export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}
