const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Reads a config duration: a number of seconds (`90`, `0.5`) or a number with a unit (`500ms`, `30s`,
 * `5m`, `1h`, `30d`). Returns milliseconds, or `undefined` when the value is not a duration (the schema turns
 * that into a validation error naming the key; there is no fallback value).
 *
 * @example
 * ```ts
 * parseDuration('5m'); // 300000
 * parseDuration(30); // 30000
 * parseDuration('soon'); // undefined
 * ```
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNITS[match[2] as keyof typeof UNITS]);
}

/** What a duration key accepts, for error messages. */
export const DURATION_HINT = 'a duration: seconds (30) or a number with ms, s, m, h or d (500ms, 30s, 5m, 1h, 30d)';
