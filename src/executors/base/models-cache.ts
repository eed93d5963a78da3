import type { ModelInfo } from '../types.js';

/**
 * Model lists cached per credential id for `ttlMs`. Concurrent callers share one in-flight request;
 * a failed request is not cached.
 *
 * @example
 * ```ts
 * const cache = createModelsCache(300_000, Date.now);
 * await cache.get('cred-a', () => fetchModels());
 * ```
 */
export function createModelsCache(ttlMs: number, now: () => number) {
  const entries = new Map<string, { at: number; models: Promise<ModelInfo[]> }>();
  return {
    get(credentialId: string, load: () => Promise<ModelInfo[]>): Promise<ModelInfo[]> {
      const hit = entries.get(credentialId);
      if (hit && now() - hit.at < ttlMs) return hit.models;
      const models = load();
      const entry = { at: now(), models };
      entries.set(credentialId, entry);
      models.catch(() => {
        if (entries.get(credentialId) === entry) entries.delete(credentialId);
      });
      return models;
    },
    clear(): void {
      entries.clear();
    },
  };
}
