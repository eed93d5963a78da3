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

/** The CLI's logger: a {@link Logger} whose queued lines can be written out at once. */
export interface CliLogger extends Logger {
  /** Writes every queued line now (before `process.exit`, say). */
  flush(): void;
}

/** A backlog this large is written at once rather than at the end of the turn. */
const FLUSH_BYTES = 64 * 1024;
/**
 * Writes to a pipe up to this size are atomic (PIPE_BUF on Linux): `serve --workers` share one stderr,
 * so a batch is cut at line ends into writes no larger, and no worker's line is split by another's.
 */
const ATOMIC_BYTES = 4096;

/**
 * The CLI's logger: readable lines by default, pino-compatible JSON with `format: 'json'`. The Manager
 * and handler log credential ids, never secrets.
 *
 * Lines logged in one turn of the event loop go out as one write at the end of it: under load the
 * access log costs one pipe write per turn instead of one per request. An error is written at once
 * (after what was queued before it), and so is a backlog over 64 KB; the default stream is flushed
 * when the process exits.
 */
export function createCliLogger(options: CliLoggerOptions = {}): CliLogger {
  const stream = options.stream ?? process.stderr;
  const min = LEVELS[options.level ?? 'info'];
  const json = options.format === 'json';
  let queue: string[] = [];
  let queuedBytes = 0;
  let scheduled = false;
  const flush = () => {
    if (queue.length === 0) return;
    const lines = queue;
    queue = [];
    queuedBytes = 0;
    let chunk = '';
    for (const line of lines) {
      if (chunk !== '' && chunk.length + line.length > ATOMIC_BYTES) {
        stream.write(chunk);
        chunk = '';
      }
      chunk += line;
    }
    stream.write(chunk);
  };
  const onTurnEnd = () => {
    scheduled = false;
    flush();
  };
  if (options.stream === undefined) process.once('exit', flush);
  const write = (level: Level) => (obj: Record<string, unknown>, msg?: string) => {
    if (LEVELS[level] < min) return;
    const line = json ? jsonLine(level, obj, msg) : textLine(level, obj, msg);
    queue.push(line);
    queuedBytes += line.length;
    if (level === 'error' || queuedBytes >= FLUSH_BYTES) {
      flush();
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(onTurnEnd);
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), flush };
}

function jsonLine(level: Level, obj: Record<string, unknown>, msg: string | undefined): string {
  return `${JSON.stringify({ level: LEVELS[level], time: Date.now(), ...obj, msg })}\n`;
}

function textLine(level: Level, obj: Record<string, unknown>, msg: string | undefined): string {
  const fields = Object.entries(obj)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg ?? ''}${fields ? ` ${fields}` : ''}`;
  return `${line.replace(/\n/g, '\\n')}\n`;
}
