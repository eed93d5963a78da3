import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { DEFAULT_PRICES, type ModelPrice, mergePrices, type PriceTable } from '../manager/cost/price-table.js';
import { FileUsageSink } from '../observe/usage/file-usage-sink.js';
import { MemoryUsageSink } from '../observe/usage/memory-usage-sink.js';
import type { UsageSink } from '../observe/usage/types.js';
import type { SwitchyardConfig } from './schema.js';
import { durationMs } from './settings.js';

/** Which sink a config without a `usage:` section gets: the library's `memory`, or `serve`'s `file`. */
export type DefaultUsageSink = 'memory' | 'file';

/** Where the file sink writes when `usage.path` is not set: `usage/` next to the config file (or in the working directory). */
export function defaultUsageDir(configPath: string | undefined): string {
  return configPath ? resolve(dirname(configPath), 'usage') : resolve('usage');
}

/** The price table a config asks for: the shipped one with `prices:` applied, or undefined when it has none. */
export function pricesFromConfig(config: SwitchyardConfig): PriceTable | undefined {
  const section = config.prices;
  if (!section) return undefined;
  const overrides: Record<string, Partial<ModelPrice>> = {};
  for (const [model, p] of Object.entries(section)) {
    const price: Partial<ModelPrice> = {};
    if (p.input !== undefined) price.input = p.input;
    if (p.output !== undefined) price.output = p.output;
    if (p['cached-input'] !== undefined) price.cachedInput = p['cached-input'];
    if (p['cache-write'] !== undefined) price.cacheWrite = p['cache-write'];
    if (p.reasoning !== undefined) price.reasoning = p.reasoning;
    if (p.currency !== undefined) price.currency = p.currency;
    if (p.aliases !== undefined) price.aliases = p.aliases;
    if (p.source !== undefined) price.source = p.source;
    if (p.date !== undefined) price.date = p.date;
    overrides[model] = price;
  }
  try {
    return mergePrices(DEFAULT_PRICES, overrides);
  } catch (err) {
    throw new ConfigError(`prices: ${(err as Error).message}`, { cause: err });
  }
}

/** What {@link usageSinkFromConfig} needs besides the config. */
export interface UsageSinkContext {
  /** The config file's absolute path, when there is one (the file sink's default directory is beside it). */
  configPath?: string;
  /** The sink when the config has no `usage:` section. */
  fallback: DefaultUsageSink;
  /** Connection string of the `pgstore:` section or `PGSTORE_DSN`, the PostgreSQL sink's default. */
  pgDsn?: string;
  /** The file sink's writer name, when several processes share its directory (see `FileUsageSink`). */
  writer?: string;
  logger: Logger;
}

/**
 * The usage sink a config's `usage:` section asks for (a section without `sink:` means `file`). `pg` is
 * loaded only for the PostgreSQL sink.
 */
export async function usageSinkFromConfig(config: SwitchyardConfig, context: UsageSinkContext): Promise<UsageSink> {
  const usage = config.usage;
  const kind = usage ? (usage.sink ?? 'file') : context.fallback;
  const retentionMs = usage?.retention === undefined ? undefined : durationMs(usage.retention);
  if (kind === 'memory') {
    return new MemoryUsageSink({
      ...(usage?.['max-records'] ? { capacity: usage['max-records'] } : {}),
      ...(retentionMs !== undefined ? { retentionMs } : {}),
    });
  }
  if (kind === 'file') {
    const dir = usage?.path
      ? context.configPath
        ? resolve(dirname(context.configPath), usage.path)
        : resolve(usage.path)
      : defaultUsageDir(context.configPath);
    try {
      return await FileUsageSink.open({
        dir,
        logger: context.logger,
        ...(context.writer ? { writer: context.writer } : {}),
        ...(usage?.['max-bytes'] ? { maxBytes: usage['max-bytes'] } : {}),
        ...(usage?.['max-age'] !== undefined ? { maxAgeMs: durationMs(usage['max-age']) } : {}),
        ...(retentionMs !== undefined ? { retentionMs } : {}),
        ...(usage?.['max-records'] ? { memoryRecords: usage['max-records'] } : {}),
      });
    } catch (err) {
      throw new ConfigError(
        `Cannot use the usage directory ${dir}: ${(err as Error).message}. Set usage.path to a writable directory, or usage.sink: memory`,
        { cause: err },
      );
    }
  }
  const dsn = usage?.dsn ?? context.pgDsn;
  if (!dsn) {
    throw new ConfigError(
      'usage.sink is postgres but no database is named: set usage.dsn (or pgstore.dsn, or PGSTORE_DSN)',
    );
  }
  const { PostgresUsageSink } = await import('../observe/usage/postgres-usage-sink.js');
  try {
    return new PostgresUsageSink(dsn, {
      logger: context.logger,
      ...(usage?.schema ? { schema: usage.schema } : {}),
      ...(usage?.table ? { table: usage.table } : {}),
      ...(retentionMs !== undefined ? { retentionMs } : {}),
    });
  } catch (err) {
    throw new ConfigError(`usage: ${(err as Error).message}`, { cause: err });
  }
}
