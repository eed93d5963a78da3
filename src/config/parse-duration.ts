import { parseDuration as parseDurationText } from '../core/duration.js';

/**
 * Reads a config duration: a number of seconds (`90`, `0.5`) or a string of numbers with units, read
 * like every other duration switchyard reads (`500ms`, `30s`, `5m`, `1h`, `1h30m`). Returns
 * milliseconds, or `undefined` when the value is not a duration (the schema turns that into a
 * validation error naming the key; there is no fallback value).
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
  return parseDurationText(value);
}

/** What a duration key accepts, for error messages. */
export const DURATION_HINT =
  'a duration: seconds (30) or numbers with ms, s, m, h or d (500ms, 30s, 5m, 1h, 1h30m, 30d)';
