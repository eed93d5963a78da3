import type { Credential } from '../core/credential.js';
import { SwitchyardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Executor } from '../executors/types.js';
import type { ModelRouter } from './model-router.js';

/** One model clients can ask for, with the providers that serve it. */
export interface ListedModel {
  id: string;
  providers: string[];
  /** When the upstream reported it, epoch seconds. */
  created?: number;
}

/** Options of `Manager.listModels`. */
export interface ListModelsOptions {
  signal?: AbortSignal;
  /** Longest wait for a provider's list, ms. Default 5000. */
  timeoutMs?: number;
}

/**
 * The model names clients can ask for: the credentials' model lists and aliases, plus, for credentials
 * without a list (they serve any model of their provider), what the first such credential's executor
 * reports per provider. A provider that fails or takes longer than `timeoutMs` is left out, with a warning.
 */
export async function listModels(
  router: ModelRouter,
  credentials: Iterable<Credential>,
  executors: ReadonlyMap<string, Executor>,
  logger: Logger,
  options: ListModelsOptions = {},
): Promise<ListedModel[]> {
  const byId = new Map<string, ListedModel>(router.listModels().map((m) => [m.id, m]));
  const firstListless = new Map<string, Credential>();
  for (const c of credentials) {
    if (!c.disabled && (!c.models || c.models.length === 0) && !firstListless.has(c.provider)) {
      firstListless.set(c.provider, c);
    }
  }
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 5_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  const reports = await Promise.all(
    [...firstListless].map(async ([provider, credential]) => {
      const executor = executors.get(provider);
      if (!executor?.listModels) return [];
      try {
        return await executor.listModels(credential, signal);
      } catch (err) {
        logger.warn(
          { provider, code: SwitchyardError.is(err) ? err.code : undefined },
          'listing upstream models failed',
        );
        return [];
      }
    }),
  );
  for (const model of reports.flat()) {
    const entry = byId.get(model.id);
    if (!entry) {
      byId.set(model.id, {
        id: model.id,
        providers: [model.provider],
        ...(model.created !== undefined ? { created: model.created } : {}),
      });
    } else if (!entry.providers.includes(model.provider)) entry.providers.push(model.provider);
  }
  return [...byId.values()];
}
