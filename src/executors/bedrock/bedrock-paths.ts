/**
 * The path of a Bedrock runtime model operation's model: `/model/{modelId}` with the id percent-encoded
 * as one path segment, as the AWS SDK encodes its `modelId` label (colons become `%3A`, an ARN's
 * slashes `%2F`), so model ids with versions (`anthropic.claude-3-5-haiku-20241022-v1:0`), inference
 * profiles (`us.anthropic.claude-...`) and ARNs all reach the right model.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 * @example
 * ```ts
 * bedrockModelPath('us.anthropic.claude-sonnet-4-20250514-v1:0'); // '/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0'
 * ```
 */
export function bedrockModelPath(modelId: string): string {
  return `/model/${encodeURIComponent(modelId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
