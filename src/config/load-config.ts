import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { configSchema, IGNORED_KEYS, KNOWN_TOP_LEVEL_KEYS, type SwitchyardConfig } from './schema.js';

/** A config read and validated, with what was worth a warning. */
export interface LoadedConfig {
  config: SwitchyardConfig;
  /** Unknown keys and ignored settings, one sentence each, naming the key and line. */
  warnings: string[];
}

/**
 * Reads and validates a YAML config. An invalid file is refused with a {@link ConfigError} whose message
 * names the path and line of the bad key (`routing.strategy (line 12): Invalid option ...`).
 *
 * @example
 * ```ts
 * const { config, warnings } = await loadConfig('config.yaml');
 * for (const w of warnings) console.warn(w);
 * ```
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(text, path);
}

/** Parses and validates YAML text; see {@link loadConfig}. `source` names the file in messages. */
export function parseConfig(text: string, source = 'config'): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    throw new ConfigError(`${source}:${at.line}: ${e.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
    // For a missing or bad value, point at its parent key when the value itself has no position.
    const ranged = node?.range ? node : (doc.getIn(path.slice(0, -1) as unknown[], true) as typeof node);
    return ranged?.range ? lines.linePos(ranged.range[0]).line : undefined;
  };
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const messages = result.error.issues.slice(0, 5).map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const line = lineOf(issue.path);
      return `${key}${line ? ` (line ${line})` : ''}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid config ${source}: ${messages.join('; ')}`);
  }
  const warnings: string[] = [];
  if (isMap(doc.contents)) {
    for (const key of Object.keys(raw as Record<string, unknown>)) {
      if (KNOWN_TOP_LEVEL_KEYS.has(key) || IGNORED_KEYS.has(key)) continue;
      const line = lineOf([key]);
      warnings.push(`${source}${line ? `:${line}` : ''}: unknown key '${key}' is ignored`);
    }
  }
  const quota = result.data['quota-exceeded'];
  if (typeof quota === 'object' && quota.behavior === undefined) {
    warnings.push(
      `${source}: 'quota-exceeded.switch-project' / 'switch-preview-model' are CLIProxyAPI settings; switchyard uses 'quota-exceeded: skip-model' (default), 'skip-auth' or 'fail-fast'`,
    );
  }
  return { config: result.data, warnings };
}
