/**
 * Reads how long to wait from response headers, in the order openai-node uses: `retry-after-ms`
 * (milliseconds), then `retry-after` as seconds or as an HTTP date. Returns undefined when absent or unparseable.
 *
 * @example
 * ```ts
 * parseRetryAfter({ 'retry-after': '2' }, Date.now()); // 2000
 * ```
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | undefined>>,
  now: number,
): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = headers['retry-after'];
  if (after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
