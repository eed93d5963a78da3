import { HttpError } from '../error-response.js';

/** Percent-decoding rounds a path is checked at: a server behind the service may decode more than once. */
const DECODE_ROUNDS = 3;
/** Visible ASCII only: what a request-target may hold once percent-encoded. */
const VISIBLE = /^[\x21-\x7e]*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The upstream path for `rest` (what follows `/proxy/{service}` in the caller's path, percent-encoding
 * kept) under `basePath` (the service's base URL path). The host is never the caller's to choose: the
 * origin comes from the config, and a path that could climb out of `basePath` or name another host is
 * refused with a 400 before any key is picked: `.` and `..` segments (also percent-encoded, `%2e%2e`,
 * double-encoded, or hidden behind an encoded `%2f`; a path encoded more than three times over is refused
 * too), backslashes, `//host`, absolute URLs
 * (`http://...`), NUL and other control or non-ASCII bytes, and a `#`.
 *
 * @throws {HttpError} 400 naming what was refused.
 * @example
 * ```ts
 * joinProxyPath('/v1', '/search'); // '/v1/search'
 * joinProxyPath('/v1', '/%2e%2e/admin'); // throws a 400
 * ```
 */
export function joinProxyPath(basePath: string, rest: string): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  if (rest === '' || rest === '/') return rest === '/' || base === '' ? `${base}/` : base;
  if (!rest.startsWith('/')) refuse('must start with /');
  if (!VISIBLE.test(rest)) refuse('holds a space, a control character or a non-ASCII byte (percent-encode it)');
  if (rest.includes('#')) refuse('holds a #');
  if (rest.startsWith('//')) refuse('starts with // (a host name)');
  if (SCHEME.test(rest.slice(1))) refuse('is an absolute URL; give a path under the service instead');
  let form = rest;
  for (let round = 0; ; round++) {
    if (form.includes('\\')) refuse('holds a backslash');
    if (form.includes('\0')) refuse('holds a NUL byte');
    for (const segment of form.split('/')) {
      if (segment === '.' || segment === '..') refuse('holds a . or .. segment');
    }
    if (!form.includes('%')) break;
    if (round === DECODE_ROUNDS) refuse(`is percent-encoded more than ${DECODE_ROUNDS} times over`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(form);
    } catch {
      refuse('holds a malformed percent-encoding');
    }
    if (decoded === form) break;
    form = decoded;
  }
  return base + rest;
}

function refuse(why: string): never {
  throw new HttpError(400, 'invalid_request', `The proxied path ${why}`);
}
