/** An upstream target split the way undici's dispatcher API takes it. */
export interface Target {
  origin: string;
  path: string;
  host: string;
}

const bases = new Map<string, { origin: string; prefix: string; host: string }>();

/**
 * Joins a base URL (which may carry a path, e.g. `https://openrouter.ai/api/v1`) and a request path.
 * Parsed bases are remembered: there are few of them and this runs on every request.
 *
 * @example
 * ```ts
 * resolveUrl('https://openrouter.ai/api/v1/', '/chat/completions');
 * // { origin: 'https://openrouter.ai', path: '/api/v1/chat/completions', host: 'openrouter.ai' }
 * ```
 */
export function resolveUrl(baseUrl: string, path: string): Target {
  let base = bases.get(baseUrl);
  if (!base) {
    const url = new URL(baseUrl);
    base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, ''), host: url.host };
    if (bases.size > 1_000) bases.clear();
    bases.set(baseUrl, base);
  }
  return { origin: base.origin, path: base.prefix + path, host: base.host };
}
