import { KEY, USER_METADATA_KEY } from './anthropic-messages/metadata.js';
import type { CanonicalRequest, ProviderMetadata, TranslationWarning } from './canonical.js';

function hasCacheControl(metadata: ProviderMetadata | undefined): boolean {
  return metadata?.[KEY]?.cache_control !== undefined;
}

/**
 * What an Anthropic request said that only Anthropic understands, checked by the other dialects'
 * request converters: `context_management` edits, `cache_control` breakpoints (on system blocks, tools,
 * messages and tool results) and `metadata.user_id` (Claude Code sends a JSON string there, no valid
 * OpenAI `user`). None of them has a counterpart elsewhere: each is dropped with one
 * `anthropic-only-dropped` warning. Returns whether the canonical `user` came from `metadata.user_id`
 * (the caller then leaves it out).
 *
 * @example
 * ```ts
 * const warnings: TranslationWarning[] = [];
 * const { dropUser } = dropAnthropicOnly(request, 'OpenAI Chat', warnings);
 * ```
 */
export function dropAnthropicOnly(
  request: CanonicalRequest,
  target: string,
  warnings: TranslationWarning[],
): { dropUser: boolean } {
  const meta = request.providerMetadata?.[KEY];
  if (meta === undefined) return { dropUser: false };
  const dropped: string[] = [];
  if (meta.context_management !== undefined) dropped.push('context_management');
  let cache = false;
  for (const tool of request.tools ?? []) cache ||= hasCacheControl(tool.providerMetadata);
  for (const message of request.messages) {
    if (cache) break;
    cache = hasCacheControl(message.providerMetadata);
    for (const part of message.content) {
      if (hasCacheControl(part.providerMetadata)) cache = true;
      if (part.type === 'tool-result' && Array.isArray(part.content)) {
        for (const inner of part.content) cache ||= hasCacheControl(inner.providerMetadata);
      }
    }
  }
  if (cache) dropped.push('cache_control');
  const dropUser = meta[USER_METADATA_KEY] === true && request.user !== undefined;
  if (dropUser) dropped.push('metadata.user_id');
  if (dropped.length > 0) {
    warnings.push({
      code: 'anthropic-only-dropped',
      message: `${dropped.join(', ')} ${dropped.length === 1 ? 'has' : 'have'} no ${target} counterpart and ${dropped.length === 1 ? 'was' : 'were'} dropped`,
    });
  }
  return { dropUser };
}
