import type { Logger } from '../../src/core/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** A pino-shaped logger that keeps every line. */
export function captureLogger(): Logger & { lines: LogLine[]; at(level: LogLine['level']): LogLine[] } {
  const lines: LogLine[] = [];
  const write = (level: LogLine['level']) => (fields: Record<string, unknown>, msg?: string) => {
    lines.push({ level, fields, msg });
  };
  return {
    lines,
    at: (level) => lines.filter((l) => l.level === level),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
