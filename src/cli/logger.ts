import type { Logger } from '../core/logger.js';

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;

/** How the CLI writes log lines. */
export type LogFormat = 'text' | 'json';

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: Level;
  /**
   * `text` (default): one human-readable line per entry (`2025-01-01T12:00:00.000Z INFO  msg key=value`).
   * `json`: one pino-compatible JSON object per line (`level` as a number, `time` in epoch ms, `msg`, fields).
   */
  format?: LogFormat;
  stream?: NodeJS.WritableStream;
}

/**
 * The CLI's logger: readable lines by default, pino-compatible JSON with `format: 'json'`. The Manager
 * and handler log credential ids, never secrets.
 */
export function createCliLogger(options: CliLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const min = LEVELS[options.level ?? 'info'];
  const json = options.format === 'json';
  const write = (level: Level) => (obj: Record<string, unknown>, msg?: string) => {
    if (LEVELS[level] < min) return;
    if (json) {
      stream.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), ...obj, msg })}\n`);
      return;
    }
    const fields = Object.entries(obj)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg ?? ''}${fields ? ` ${fields}` : ''}`;
    stream.write(`${line.replace(/\n/g, '\\n')}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
