import type { CoreHandler, CoreRequest, MountableHandler } from './types.js';

/**
 * The client handler with more handlers beside it (the management API, metrics): a request goes to
 * the first of `others` whose `handles()` claims its path, and otherwise to `primary` (which answers
 * unknown paths with its 404 in the caller's dialect). `update()` changes `primary`'s settings.
 *
 * @example
 * ```ts
 * const app = combineHandlers(handler, createManagementHandler(manager, { secret }));
 * http.createServer(toNodeListener(app)).listen(8317);
 * ```
 */
export function combineHandlers(primary: CoreHandler, ...others: MountableHandler[]): CoreHandler {
  const combined = (request: CoreRequest) => {
    for (const other of others) if (other.handles(request.path)) return other(request);
    return primary(request);
  };
  return Object.assign(combined, {
    handles: (path: string) => others.some((o) => o.handles(path)) || primary.handles(path),
    update: (settings: Parameters<CoreHandler['update']>[0]) => primary.update(settings),
  });
}
