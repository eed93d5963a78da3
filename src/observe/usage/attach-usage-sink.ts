import type { Manager } from '../../manager/manager.js';
import type { UsageSink } from './types.js';

/**
 * Sends every usage record of `manager` to `sink` (through `manager.addHooks`). Returns a function that
 * stops it; the sink stays open (close it yourself once the Manager is closed).
 *
 * @example
 * ```ts
 * const detach = attachUsageSink(manager, new MemoryUsageSink());
 * ```
 */
export function attachUsageSink(manager: Pick<Manager, 'addHooks'>, sink: UsageSink): () => void {
  return manager.addHooks({ onUsage: (record) => sink.write(record) });
}
