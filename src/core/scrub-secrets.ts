const MARK = '[redacted]';

/**
 * Replaces every occurrence of the given secrets in `text`. Upstreams echo keys back (OpenAI's 401
 * quotes a masked key, proxies echo headers), so error text is scrubbed before it is kept anywhere.
 *
 * @example
 * ```ts
 * scrubSecrets('bad key sk-123456', ['sk-123456']); // 'bad key [redacted]'
 * ```
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(MARK);
  }
  return out;
}
