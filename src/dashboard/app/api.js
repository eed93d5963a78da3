// The dashboard's only network access: its own session routes and the management API of the same origin.

/** The session: CSRF token and where the management API is, once logged in. */
export const session = { csrf: '', api: '' };

/** An error answer of the management API, with the field it is about. */
export class ApiError extends Error {
  constructor(status, message, param) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

async function failure(res) {
  let message = `${res.status} ${res.statusText}`;
  let param;
  try {
    const body = await res.json();
    if (body?.error?.message) message = body.error.message;
    param = body?.error?.param;
  } catch {}
  return new ApiError(res.status, message, param);
}

/** Fetch with the CSRF header on writes; JSON bodies as JSON. Throws ApiError on an error status. */
export async function request(method, path, body, options = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = session.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path.startsWith('/') ? path : `${session.api}/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  // The session is gone (expired, ended elsewhere, or the gateway restarted: sessions live in its memory).
  // A raw answer (the playground's) may be an upstream's 401, which says what served it.
  const refused = res.status === 401 && (!options.raw || !res.headers.has('x-switchyard-attempts'));
  if (refused && session.csrf) {
    session.csrf = '';
    window.dispatchEvent(new Event('switchyard:session-expired'));
  }
  if (options.raw) return res;
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined;
  return res.json();
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body) => request('POST', path, body ?? {});
export const patch = (path, body) => request('PATCH', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** Session routes of the dashboard itself (relative to its own path). */
export async function loadSession() {
  const res = await fetch('session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) return false;
  Object.assign(session, await res.json());
  return true;
}

export async function login(secret) {
  const res = await fetch('login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ secret }),
  });
  if (!res.ok) throw await failure(res);
  Object.assign(session, await res.json());
}

export async function logout() {
  await fetch('logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrf } });
  session.csrf = '';
}

/** Query string from an object, leaving out empty values. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
