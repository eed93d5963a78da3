import { readFile } from 'node:fs/promises';
import { type Document, isMap, LineCounter, Parser, parseDocument, visit } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { closestKey } from './closest-key.js';
import { interpolateEnv } from './interpolate-env.js';
import { configSchema, IGNORED_KEYS, KNOWN_TOP_LEVEL_KEYS, type SwitchyardConfig } from './schema.js';

/** A config read and validated, with what was worth a warning. */
export interface LoadedConfig {
  config: SwitchyardConfig;
  /** Settings accepted but not acted on, one sentence each. */
  warnings: string[];
}

/** Options of {@link loadConfig} and {@link parseConfig}. */
export interface ParseConfigOptions {
  /** Where `${NAME}` references are read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** At most this many problems are listed in one refusal. */
const MAX_PROBLEMS = 5;

/**
 * Reads and validates a YAML config. An invalid file is refused with a {@link ConfigError} whose message
 * names the path and line of every problem (up to five): a YAML syntax error, an unresolved alias, a
 * missing `${NAME}` variable, an unknown top-level key (with the closest valid key suggested) or a bad
 * value (`routing.strategy (line 12): Invalid option ...`).
 *
 * @example
 * ```ts
 * const { config, warnings } = await loadConfig('config.yaml');
 * for (const w of warnings) console.warn(w);
 * ```
 */
export async function loadConfig(path: string, options: ParseConfigOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(text, path, options);
}

/** Parses and validates YAML text; see {@link loadConfig}. `source` names the file in messages. */
export function parseConfig(text: string, source = 'config', options: ParseConfigOptions = {}): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(syntaxErrorOffset(text, e.code, e.pos[0]));
    throw new ConfigError(`${source}:${at.line}: ${e.message.split('\n')[0]}`);
  }
  const problems = [
    ...unresolvedAliases(doc, lines, source),
    ...interpolateEnv(doc, options.env ?? process.env, lines, source),
  ];
  if (problems.length > 0) throw refusal(source, problems);

  const raw: unknown = doc.toJS() ?? {};
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
    // For a missing or bad value, point at its parent key when the value itself has no position.
    const ranged = node?.range ? node : (doc.getIn(path.slice(0, -1) as unknown[], true) as typeof node);
    return ranged?.range ? lines.linePos(ranged.range[0]).line : undefined;
  };
  if (isMap(doc.contents)) {
    for (const key of Object.keys(raw as Record<string, unknown>)) {
      if (KNOWN_TOP_LEVEL_KEYS.has(key) || IGNORED_KEYS.has(key)) continue;
      const line = keyLine(doc, key, lines);
      const guess = closestKey(key, KNOWN_TOP_LEVEL_KEYS);
      problems.push(
        `${key}${line ? ` (line ${line})` : ''}: unknown key${guess ? `; did you mean '${guess}'?` : ' (see docs/config.md for the keys)'}`,
      );
    }
  } else if (doc.contents !== null && raw !== null && typeof raw !== 'object') {
    problems.push('(root): the file must be a map of keys (key: value)');
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(root)';
      const line = lineOf(issue.path);
      problems.push(`${key}${line ? ` (line ${line})` : ''}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw refusal(source, problems);

  const warnings: string[] = [];
  const quota = result.data['quota-exceeded'];
  if (typeof quota === 'object' && quota.behavior === undefined) {
    warnings.push(
      `${source}: 'quota-exceeded.switch-project' / 'switch-preview-model' are CLIProxyAPI settings; switchyard uses 'quota-exceeded: skip-model' (default), 'skip-auth' or 'fail-fast'`,
    );
  }
  return { config: result.data, warnings };
}

function refusal(source: string, problems: readonly string[]): ConfigError {
  const more = problems.length > MAX_PROBLEMS ? ` (and ${problems.length - MAX_PROBLEMS} more)` : '';
  return new ConfigError(`Invalid config ${source}: ${problems.slice(0, MAX_PROBLEMS).join('; ')}${more}`);
}

function keyLine(doc: Document, key: string, lines: LineCounter): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  for (const pair of doc.contents.items) {
    const node = pair.key as { value?: unknown; range?: [number, number, number] } | null;
    if (node?.value === key && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * yaml reports a missing closing quote at the end of the quoted scalar, and an unterminated quote runs
 * to the end of the file: the line worth showing is where the quoted value starts.
 */
function syntaxErrorOffset(text: string, code: string, offset: number): number {
  if (code !== 'MISSING_CHAR') return offset;
  let start: number | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const token = node as { type?: string; offset?: number; source?: string };
    if (
      (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') &&
      typeof token.offset === 'number' &&
      token.offset <= offset &&
      token.offset + (token.source?.length ?? 0) >= offset &&
      (start === undefined || token.offset > start)
    ) {
      start = token.offset;
    }
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return start ?? offset;
}

function unresolvedAliases(doc: Document, lines: LineCounter, source: string): string[] {
  const problems: string[] = [];
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return;
      const line = node.range ? lines.linePos(node.range[0]).line : undefined;
      problems.push(
        `${source}${line ? `:${line}` : ''}: unresolved alias *${node.source}: no anchor &${node.source} is defined before it`,
      );
    },
  });
  return problems;
}
