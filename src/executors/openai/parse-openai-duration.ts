const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * Parses the Go-style durations OpenAI puts in `x-ratelimit-reset-*` headers (`1s`, `6m0s`, `20ms`,
 * `1h2m3.5s`) into milliseconds; undefined when the value is not one.
 *
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 * @example
 * ```ts
 * parseOpenAIDuration('6m0s'); // 360000
 * ```
 */
export function parseOpenAIDuration(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = pattern.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? Math.round(total) : undefined;
}
