import type { CoreRequest, CoreResponse } from '../../http/types.js';
import type { DashboardFile } from './bundle-types.js';

/**
 * The page's Content-Security-Policy: its own scripts, styles and API only; no inline script or style
 * element, no other origin, not framable.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Headers every dashboard answer carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts (`accept-encoding` with q-values): br, then gzip, else identity. */
export function pickEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepted = (name: string) => q.get(name) ?? (q.has('*') ? q.get('*')! : 0);
  if (accepted('br') > 0) return 'br';
  if (accepted('gzip') > 0) return 'gzip';
  return 'identity';
}

/** Decoded bytes of a file in each encoding, made once. */
export interface LoadedFile {
  type: string;
  bodies: Record<Encoding, Uint8Array>;
}

export function loadFile(file: DashboardFile): LoadedFile {
  const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
  return { type: file.type, bodies: { identity: bytes(file.raw), gzip: bytes(file.gzip), br: bytes(file.br) } };
}

/** A file answer in the encoding the client prefers, with the given cache policy. */
export function serveFile(request: CoreRequest, file: LoadedFile, cacheControl: string): CoreResponse {
  const encoding = pickEncoding(request.headers['accept-encoding']);
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': file.type,
    'cache-control': cacheControl,
    vary: 'Accept-Encoding',
  };
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  const body = file.bodies[encoding];
  headers['content-length'] = String(body.byteLength);
  return { status: 200, headers, body: request.method === 'HEAD' ? null : body };
}
