const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads a duration written as one or more numbers with a unit (`ms`, `s`, `m`, `h`, `d`) into milliseconds.
 * One grammar for every duration switchyard reads: OpenAI's Go-style `x-ratelimit-reset-*` values
 * (`20ms`, `6m0s`, `1h2m3.5s`), Google's JSON Duration in `RetryInfo.retryDelay` (`30s`, `1.5s`) and
 * the config's `500ms`, `30s`, `5m`, `1h`, `1h30m`. Surrounding whitespace is ignored; anything else
 * (a bare number, a sign, a space inside, an unknown unit, a value that is not a string) is undefined,
 * never a default.
 *
 * @see https://pkg.go.dev/time#ParseDuration
 * @see https://protobuf.dev/reference/protobuf/google.protobuf/#duration
 * @example
 * ```ts
 * parseDuration('6m0s'); // 360000
 * parseDuration('1.5s'); // 1500
 * parseDuration('30'); // undefined
 * ```
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const part = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    at = part.lastIndex;
  }
  return at > 0 ? Math.round(total) : undefined;
}

/**
 * Writes milliseconds as seconds with an `s` suffix (`1500` → `"1.5s"`), the form Google's JSON
 * Duration takes and {@link parseDuration} reads back.
 *
 * @example
 * ```ts
 * formatDuration(1500); // '1.5s'
 * ```
 */
export function formatDuration(ms: number): string {
  return `${ms / 1000}s`;
}
