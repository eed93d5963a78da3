// A fake OpenID Connect provider on 127.0.0.1: discovery, JWKS (a real RS256 key), an authorization
// endpoint that approves at once and redirects with code and state, a token endpoint (authorization
// code with PKCE S256, refresh with rotation: a used refresh token is refused, device code, client
// credentials), device authorization answering authorization_pending, then slow_down, then tokens,
// RFC 7009 revocation, and a protected OpenAI-style chat endpoint that checks the access token.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOidcClient {
  id: string;
  /** Confidential clients have one; it must come with every token request. */
  secret?: string;
}

export interface FakeOidcOptions {
  clients?: FakeOidcClient[];
  /** The signed-in user's claims. */
  user?: { sub: string; email?: string; preferred_username?: string };
  /** Access token lifetime, seconds. Default 3600. */
  accessTokenTtl?: number;
  /** Delay of every token answer, ms (widens races). */
  tokenDelayMs?: number;
  /** Device polling interval, seconds. Default 1. */
  deviceInterval?: number;
  /** Serve OIDC discovery (default) or only RFC 8414 metadata. */
  oidc?: boolean;
  /** Sign ID tokens with a key the JWKS does not publish (a forged ID token). */
  forgeIdTokens?: boolean;
}

export interface TokenCall {
  grant: string;
  at: number;
  form: Record<string, string>;
}

export interface FakeOidc {
  /** The issuer, `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  readonly tokenCalls: TokenCall[];
  /** Every access token issued, in order. */
  readonly accessTokens: string[];
  /** Every refresh token issued, in order. */
  readonly refreshTokens: string[];
  readonly revoked: Set<string>;
  /** Requests to the protected chat endpoint: the bearer each carried. */
  readonly apiCalls: string[];
  /** Times of device polls, ms. */
  readonly devicePolls: number[];
  /** Makes every refresh token issued so far unusable (the user revoked the app). */
  revokeAllRefreshTokens(): void;
  /** Every body the server received (to check what the client sent). */
  readonly bodies: string[];
  close(): Promise<void>;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  scope: string;
  used: boolean;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startFakeOidc(options: FakeOidcOptions = {}): Promise<FakeOidc> {
  const clients = new Map((options.clients ?? [{ id: 'cli-app' }]).map((c) => [c.id, c]));
  const user = options.user ?? { sub: 'user-1', email: 'ann@example.com' };
  const ttl = options.accessTokenTtl ?? 3600;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'k1';
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const codes = new Map<string, CodeGrant>();
  const refresh = new Map<string, { clientId: string; used: boolean; scope: string }>();
  const devices = new Map<string, { clientId: string; polls: number; scope: string }>();
  const state = {
    tokenCalls: [] as TokenCall[],
    accessTokens: [] as string[],
    refreshTokens: [] as string[],
    revoked: new Set<string>(),
    apiCalls: [] as string[],
    devicePolls: [] as number[],
    bodies: [] as string[],
  };
  const live = new Map<string, number>();
  let issuer = '';

  const idToken = (clientId: string, nonce: string | undefined, key: KeyObject) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const payload = b64url(
      JSON.stringify({ iss: issuer, aud: clientId, iat: now, exp: now + 600, ...user, ...(nonce ? { nonce } : {}) }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${b64url(signature)}`;
  };

  const issue = (clientId: string, scope: string, opts: { withRefresh: boolean; nonce?: string; idToken: boolean }) => {
    const access = `at-${randomBytes(12).toString('hex')}`;
    state.accessTokens.push(access);
    live.set(access, Date.now() + ttl * 1000);
    const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: ttl, scope };
    if (opts.withRefresh) {
      const rt = `rt-${randomBytes(12).toString('hex')}`;
      state.refreshTokens.push(rt);
      refresh.set(rt, { clientId, used: false, scope });
      body.refresh_token = rt;
    }
    if (opts.idToken && scope.split(' ').includes('openid'))
      body.id_token = idToken(clientId, opts.nonce, options.forgeIdTokens ? otherKey : privateKey);
    return body;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const body = await readBody(req);
    if (body) state.bodies.push(body);
    const form = Object.fromEntries(new URLSearchParams(body));
    try {
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration' && options.oidc !== false) {
        return sendJson(res, 200, metadata(issuer, true));
      }
      if (req.method === 'GET' && url.pathname === '/.well-known/oauth-authorization-server') {
        return sendJson(res, 200, metadata(issuer, options.oidc !== false));
      }
      if (req.method === 'GET' && url.pathname === '/jwks') {
        return sendJson(res, 200, {
          keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }],
        });
      }
      if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res);
      if (req.method === 'POST' && url.pathname === '/token') return await token(form, req, res);
      if (req.method === 'POST' && url.pathname === '/device') {
        const client = authenticate(form, req);
        if (!client) return sendJson(res, 401, { error: 'invalid_client' });
        const deviceCode = `dc-${randomBytes(8).toString('hex')}`;
        devices.set(deviceCode, { clientId: client.id, polls: 0, scope: form.scope ?? '' });
        return sendJson(res, 200, {
          device_code: deviceCode,
          user_code: 'WDJB-MJHT',
          verification_uri: `${issuer}/activate`,
          verification_uri_complete: `${issuer}/activate?user_code=WDJB-MJHT`,
          expires_in: 600,
          interval: options.deviceInterval ?? 1,
        });
      }
      if (req.method === 'POST' && url.pathname === '/revoke') {
        const client = authenticate(form, req);
        if (!client) return sendJson(res, 401, { error: 'invalid_client' });
        if (form.token) {
          state.revoked.add(form.token);
          refresh.delete(form.token);
          live.delete(form.token);
        }
        res.writeHead(200).end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
        const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        state.apiCalls.push(bearer);
        const until = live.get(bearer);
        if (until === undefined || until < Date.now()) {
          return sendJson(res, 401, { error: { message: 'invalid access token', type: 'invalid_request_error' } });
        }
        return sendJson(res, 200, {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'corp-model',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      }
      sendJson(res, 404, { error: 'not_found' });
    } catch (err) {
      sendJson(res, 500, { error: 'server_error', error_description: (err as Error).message });
    }
  });

  function authenticate(form: Record<string, string>, req: IncomingMessage): FakeOidcClient | undefined {
    let id = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [u, p] = Buffer.from(basic[1]!, 'base64').toString().split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    const client = id ? clients.get(id) : undefined;
    if (!client) return undefined;
    if (client.secret !== undefined && client.secret !== secret) return undefined;
    return client;
  }

  function authorize(url: URL, res: ServerResponse): void {
    const p = url.searchParams;
    const client = clients.get(p.get('client_id') ?? '');
    const redirectUri = p.get('redirect_uri');
    if (!client || !redirectUri) {
      sendJson(res, 400, { error: 'invalid_request' });
      return;
    }
    const target = new URL(redirectUri);
    if (p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
      target.searchParams.set('error', 'invalid_request');
      target.searchParams.set('error_description', 'PKCE S256 is required');
    } else {
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, {
        clientId: client.id,
        redirectUri,
        challenge: p.get('code_challenge')!,
        scope: p.get('scope') ?? '',
        used: false,
        ...(p.get('nonce') ? { nonce: p.get('nonce')! } : {}),
      });
      target.searchParams.set('code', code);
    }
    if (p.get('state') !== null) target.searchParams.set('state', p.get('state')!);
    target.searchParams.set('iss', issuer);
    res.writeHead(302, { location: target.href }).end();
  }

  async function token(form: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const grant = form.grant_type ?? '';
    state.tokenCalls.push({ grant, at: Date.now(), form });
    if (options.tokenDelayMs) await new Promise((r) => setTimeout(r, options.tokenDelayMs));
    const client = authenticate(form, req);
    if (!client)
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'unknown client or bad secret' });
    if (grant === 'authorization_code') {
      const code = codes.get(form.code ?? '');
      if (!code || code.used || code.clientId !== client.id) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
      }
      code.used = true;
      if (code.redirectUri !== form.redirect_uri) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      }
      const challenge = createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url');
      if (challenge !== code.challenge) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      return sendJson(
        res,
        200,
        issue(client.id, code.scope, {
          withRefresh: true,
          idToken: true,
          ...(code.nonce ? { nonce: code.nonce } : {}),
        }),
      );
    }
    if (grant === 'refresh_token') {
      const rt = refresh.get(form.refresh_token ?? '');
      if (!rt || rt.used || rt.clientId !== client.id) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid or used' });
      }
      rt.used = true;
      return sendJson(res, 200, issue(client.id, rt.scope, { withRefresh: true, idToken: false }));
    }
    if (grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      const device = devices.get(form.device_code ?? '');
      state.devicePolls.push(Date.now());
      if (!device) return sendJson(res, 400, { error: 'expired_token' });
      device.polls += 1;
      if (device.polls === 1) return sendJson(res, 400, { error: 'authorization_pending' });
      if (device.polls === 2) return sendJson(res, 400, { error: 'slow_down' });
      devices.delete(form.device_code!);
      return sendJson(res, 200, issue(client.id, device.scope, { withRefresh: true, idToken: true }));
    }
    if (grant === 'client_credentials') {
      if (client.secret === undefined) return sendJson(res, 400, { error: 'unauthorized_client' });
      return sendJson(res, 200, issue(client.id, form.scope ?? '', { withRefresh: false, idToken: false }));
    }
    sendJson(res, 400, { error: 'unsupported_grant_type' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    ...state,
    revokeAllRefreshTokens() {
      for (const rt of refresh.values()) rt.used = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function metadata(issuer: string, oidc: boolean): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    device_authorization_endpoint: `${issuer}/device`,
    revocation_endpoint: `${issuer}/revoke`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
    ...(oidc
      ? {
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          userinfo_endpoint: `${issuer}/userinfo`,
        }
      : {}),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
}
