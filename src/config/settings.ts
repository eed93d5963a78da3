import { ConfigError } from '../core/errors.js';
import { compileAddressFilter } from '../http/address-filter.js';
import type { ClientKey, HandlerOptions } from '../http/index.js';
import type { ManagerOptions } from '../manager/manager.js';
import { FillFirstSelector } from '../manager/selectors/fill-first.js';
import { LeastInFlightSelector } from '../manager/selectors/least-in-flight.js';
import { PrioritySelector } from '../manager/selectors/priority.js';
import { RoundRobinSelector } from '../manager/selectors/round-robin.js';
import { StickySelector } from '../manager/selectors/sticky.js';
import type { Selector } from '../manager/selectors/types.js';
import { WeightedSelector } from '../manager/selectors/weighted.js';
import type { CostBudget } from '../observe/usage/spend.js';
import { DURATION_HINT, parseDuration } from './parse-duration.js';
import type { SwitchyardConfig } from './schema.js';

/** Upstream timeouts in ms, as `ManagerOptions.timeouts` takes them. */
export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  firstByteMs: number;
  idleMs: number;
  /** Absent: no limit on the whole call. */
  totalMs?: number;
}

/** The timeouts when the config's `timeouts:` section leaves one out (see docs/config.md). */
export const DEFAULT_TIMEOUTS: Readonly<UpstreamTimeouts> = {
  connectMs: 10_000,
  headersMs: 600_000,
  firstByteMs: 120_000,
  idleMs: 300_000,
};

/** Largest SSE event accepted from an upstream when `max-event-bytes` is not set. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;
/** Deepest JSON nesting accepted from a client when `max-json-depth` is not set. */
export const DEFAULT_MAX_JSON_DEPTH = 128;

/**
 * `90` (seconds), `"30m"`, `"1h30m"`, `"500ms"` → ms. Anything else is a {@link ConfigError} naming
 * `key` (the config path, e.g. `timeouts.idle`) and the forms a duration takes: a config object handed
 * to `fromConfig` skips the schema, and a bad value must not become a default.
 */
export function durationMs(value: number | string, key = 'a duration'): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new ConfigError(`Invalid config: ${key} must be ${DURATION_HINT}, not '${String(value)}'`);
  }
  return ms;
}

/** The config's `timeouts:` section with the defaults filled in. `total: 0` means no limit. */
export function timeoutsFrom(config: SwitchyardConfig): UpstreamTimeouts {
  const t = config.timeouts ?? {};
  const pick = (key: keyof typeof t, fallback: number) => {
    const value = t[key];
    return value === undefined ? fallback : durationMs(value, `timeouts.${key}`);
  };
  const out: UpstreamTimeouts = {
    connectMs: pick('connect', DEFAULT_TIMEOUTS.connectMs),
    headersMs: pick('headers', DEFAULT_TIMEOUTS.headersMs),
    firstByteMs: pick('first-byte', DEFAULT_TIMEOUTS.firstByteMs),
    idleMs: pick('idle', DEFAULT_TIMEOUTS.idleMs),
  };
  const total = pick('total', 0);
  if (total > 0) out.totalMs = total;
  return out;
}

/**
 * The transport options of every built-in executor: connect and response-header timeouts from the
 * config, and undici's body timeout 1 s past the idle timeout so the Manager's own idle check (which
 * ends a stream with an error event in the caller's dialect) fires first.
 */
export function executorTimeouts(config: SwitchyardConfig): {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
} {
  const t = timeoutsFrom(config);
  return { connectTimeoutMs: t.connectMs, headersTimeoutMs: t.headersMs, bodyTimeoutMs: t.idleMs + 1_000 };
}

/** The Manager options a config sets. */
export type ConfigManagerSettings = Partial<ManagerOptions>;

/** The Manager options a config sets. */
export function managerSettings(config: SwitchyardConfig): ConfigManagerSettings {
  const timeouts = timeoutsFrom(config);
  // Connect and response-header timeouts belong to the executors (see executorTimeouts).
  const out: ConfigManagerSettings = {
    selector: selectorFor(config),
    timeouts: { firstByteMs: timeouts.firstByteMs, idleMs: timeouts.idleMs, totalMs: timeouts.totalMs ?? 0 },
    maxEventBytes: config['max-event-bytes'] ?? DEFAULT_MAX_EVENT_BYTES,
  };
  if (config['request-retry'] !== undefined) out.retry = { attempts: config['request-retry'] + 1 };
  if (config['max-retry-interval'] !== undefined)
    out.retry = { ...out.retry, maxWaitMs: config['max-retry-interval'] * 1000 };
  const quota = config['quota-exceeded'];
  const behaviour = typeof quota === 'string' ? quota : quota?.behavior;
  if (behaviour) out.quotaExceeded = behaviour;
  if (config['force-model-prefix'] !== undefined) out.forceModelPrefix = config['force-model-prefix'];
  return out;
}

/** The selector `routing.strategy` and `routing.session-affinity` ask for, always inside priority tiers. */
export function selectorFor(config: SwitchyardConfig): Selector {
  const strategy = config.routing?.strategy ?? 'round-robin';
  const inner: Selector =
    strategy === 'fill-first'
      ? new FillFirstSelector()
      : strategy === 'weighted-round-robin'
        ? new WeightedSelector()
        : strategy === 'least-in-flight'
          ? new LeastInFlightSelector()
          : new RoundRobinSelector();
  const tiered = new PrioritySelector(inner);
  if (!config.routing?.['session-affinity']) return tiered;
  const ttl = config.routing['session-affinity-ttl'] ?? 3600;
  return new StickySelector(tiered, { ttlMs: durationMs(ttl, 'routing.session-affinity-ttl') });
}

/**
 * The handler options a config sets. `allowUnauthenticated` is `true` when the file (or the caller,
 * e.g. `serve --allow-unauthenticated`) allows it, `'loopback'` when there are no client keys and
 * nothing else was asked (only loopback peers are served), absent when keys are configured.
 */
export type ConfigHandlerSettings = Omit<Partial<HandlerOptions>, 'allowUnauthenticated'> & {
  allowUnauthenticated?: boolean | 'loopback';
  maxJsonDepth?: number;
};

/** See {@link ConfigHandlerSettings}. */
export function handlerSettings(config: SwitchyardConfig, allowUnauthenticated = false): ConfigHandlerSettings {
  const entries = config['api-keys'] ?? [];
  const apiKeys = entries.filter((e): e is string => typeof e === 'string');
  const keys = entries.flatMap((e, i) => (typeof e === 'string' ? [] : [clientKeyFromConfig(e, i)]));
  const out: ConfigHandlerSettings = {
    apiKeys,
    keys,
    maxJsonDepth: config['max-json-depth'] ?? DEFAULT_MAX_JSON_DEPTH,
  };
  if (config['max-body-bytes'] !== undefined) out.maxBodyBytes = config['max-body-bytes'];
  if (allowUnauthenticated || config['allow-unauthenticated'] === true) out.allowUnauthenticated = true;
  else if (entries.length === 0) out.allowUnauthenticated = 'loopback';
  else out.allowUnauthenticated = false;
  return out;
}

type ConfigClientKey = Exclude<NonNullable<SwitchyardConfig['api-keys']>[number], string>;

/** A client key entry of the config as the handler takes it; a bad address range fails here, naming the entry. */
function clientKeyFromConfig(entry: ConfigClientKey, index: number): ClientKey {
  const key: ClientKey = { key: entry.key };
  if (entry.name) key.principal = entry.name;
  if (entry.models) key.models = entry.models;
  if (entry.rpm !== undefined) key.rpm = entry.rpm;
  if (entry.tpm !== undefined) key.tpm = entry.tpm;
  if (entry['max-concurrent'] !== undefined) key.maxConcurrent = entry['max-concurrent'];
  if (entry.budget) {
    key.budget = { tokens: entry.budget.tokens };
    if (entry.budget.period !== undefined)
      key.budget.periodMs = durationMs(entry.budget.period, `api-keys.${index}.budget.period`);
  }
  if (entry['expires-at']) key.expiresAt = Date.parse(entry['expires-at']);
  if (entry['allowed-ips']) {
    compileAddressFilter(entry['allowed-ips'], `api-keys.${index}.allowed-ips`);
    key.allowedIps = entry['allowed-ips'];
  }
  if (entry.groups) key.groups = entry.groups;
  const cost = entry['cost-budget'];
  if (cost) {
    const currency = cost.currency ?? 'USD';
    const budgets: CostBudget[] = [];
    if (cost.day !== undefined) budgets.push({ period: 'day', amount: cost.day, currency });
    if (cost.month !== undefined) budgets.push({ period: 'month', amount: cost.month, currency });
    if (budgets.length > 0) key.costBudgets = budgets;
  }
  return key;
}
