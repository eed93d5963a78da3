import type { Logger } from '../manager/logger.js';

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: Level;
  /** Human-readable lines instead of JSON. Default: when the stream is a TTY. */
  pretty?: boolean;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * A small pino-compatible logger for the CLI: one JSON object per line (`level`, `time`, `msg` and the
 * fields), or a readable line on a terminal. The Manager and handler log credential ids, never secrets.
 */
export function createCliLogger(options: CliLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const min = LEVELS[options.level ?? 'info'];
  const pretty = options.pretty ?? stream.isTTY === true;
  const write = (level: Level) => (obj: Record<string, unknown>, msg?: string) => {
    if (LEVELS[level] < min) return;
    if (pretty) {
      const time = new Date().toISOString().slice(11, 23);
      const fields = Object.entries(obj)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      stream.write(`${time} ${level.toUpperCase().padEnd(5)} ${msg ?? ''}${fields ? ` ${fields}` : ''}\n`);
    } else {
      stream.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), ...obj, msg })}\n`);
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
