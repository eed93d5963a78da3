import { randomUUID } from 'node:crypto';
import { readJsonBody } from '../../src/http/read-body.js';
import type { CoreRequest, CoreResponse, MountableHandler } from '../../src/http/types.js';
import type { ManagementHandler } from '../../src/management/index.js';
import { failure, json } from '../../src/management/respond.js';
import type { Manager } from '../../src/manager/manager.js';

/** A profile as `GET /oauth/profiles` lists it (see /work/notes/oauth-contract.md). */
export interface FakeProfile {
  name: string;
  flow: 'authorization_code' | 'device' | 'client_credentials';
  provider: string;
  label?: string;
}

export interface FakeFlow {
  id: string;
  profile: string;
  flow: FakeProfile['flow'];
  state: 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'expired';
  expiresAt: string;
  authorizationUrl?: string;
  userCode?: string;
  verificationUri?: string;
  verificationUriComplete?: string;
  interval?: number;
  credentialId?: string;
  error?: string;
}

/** The OAuth management routes of the contract, faked, in front of the real management handler. */
export interface FakeOAuth extends MountableHandler {
  /** Profiles listed; undefined: the routes are absent (everything passes to the real handler, which 404s). */
  profiles: FakeProfile[] | undefined;
  readonly flows: Map<string, FakeFlow>;
  /** Every request the fake answered: method and path below the API prefix, with the time. */
  readonly calls: Array<{ method: string; path: string; at: number }>;
  /** The codes pasted (`POST /oauth/flows/{id}/code`), in order. */
  readonly pastes: string[];
  /** Finishes a pending flow as a sign-in would: adds an OAuth credential to the Manager. */
  complete(id: string): Promise<void>;
}

const API = '/v0/management';

/**
 * Answers `/v0/management/oauth/*` as the contract says (with the real handler's auth: session cookie,
 * CSRF on writes, loopback rule), and serves a fake identity provider at `/fake-idp/authorize`, whose
 * visit completes the flow named by its `state`. Everything else goes to `inner`.
 */
export function withFakeOAuth(inner: ManagementHandler, manager: Manager): FakeOAuth {
  const flows = new Map<string, FakeFlow>();
  const calls: FakeOAuth['calls'] = [];
  const pastes: string[] = [];
  let added = 0;
  const complete = async (id: string) => {
    const flow = flows.get(id);
    if (flow?.state !== 'pending') return;
    added += 1;
    const credentialId = `${flow.profile}-${added}`;
    await manager.addCredential({
      id: credentialId,
      provider: 'mock',
      kind: 'oauth',
      oauth: { accessToken: `oauth-access-planted-${randomUUID()}`, expiresAt: Date.now() + 3_600_000 },
    });
    flow.state = 'succeeded';
    flow.credentialId = credentialId;
  };

  const oauth = async (request: CoreRequest, sub: string): Promise<CoreResponse> => {
    const refused = inner.authorize(request);
    if (refused) return refused;
    calls.push({ method: request.method, path: sub, at: Date.now() });
    const profiles = fake.profiles ?? [];
    if (sub === '/oauth/profiles' && request.method === 'GET') return json(200, { profiles });
    if (sub === '/oauth/flows' && request.method === 'POST') {
      const body = (await readJsonBody(request.body, 4096, 4)).value as { profile?: unknown } | null;
      const profile = profiles.find((p) => p.name === body?.profile);
      if (!profile) {
        return failure(
          404,
          'not_found',
          `No OAuth profile '${String(body?.profile)}'; known: ${profiles.map((p) => p.name).join(', ')}`,
        );
      }
      const id = randomUUID();
      const flow: FakeFlow = {
        id,
        profile: profile.name,
        flow: profile.flow,
        state: 'pending',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      };
      if (profile.flow === 'authorization_code') {
        flow.authorizationUrl = `http://${request.headers.host}/fake-idp/authorize?state=${id}&client_id=fake`;
      } else if (profile.flow === 'device') {
        Object.assign(flow, {
          userCode: 'WDJB-MJHT',
          verificationUri: 'https://idp.example/device',
          verificationUriComplete: 'https://idp.example/device?user_code=WDJB-MJHT',
          interval: 5,
        });
      }
      flows.set(id, flow);
      if (profile.flow === 'client_credentials') await complete(id);
      return json(201, flow);
    }
    const pasted = /^\/oauth\/flows\/([^/]+)\/code$/.exec(sub);
    if (pasted && request.method === 'POST') {
      const flow = flows.get(decodeURIComponent(pasted[1]!));
      if (!flow) return failure(404, 'not_found', 'No such OAuth flow');
      const body = (await readJsonBody(request.body, 4096, 4)).value as { url?: string; code?: string } | null;
      const code = body?.code ?? (body?.url ? new URL(body.url).searchParams.get('code') : null);
      if (!code) return failure(400, 'invalid_request', 'Send {"url"} (the address you were sent back to) or {"code"}');
      pastes.push(code);
      await complete(flow.id);
      return json(200, flow);
    }
    const match = /^\/oauth\/flows\/([^/]+)$/.exec(sub);
    const flow = match ? flows.get(decodeURIComponent(match[1]!)) : undefined;
    if (match && !flow) return failure(404, 'not_found', 'No such OAuth flow');
    if (flow && request.method === 'GET') return json(200, flow);
    if (flow && request.method === 'DELETE') {
      if (flow.state === 'pending') flow.state = 'cancelled';
      return json(200, { id: flow.id, state: flow.state });
    }
    return failure(404, 'not_found', `No management route ${request.method} ${request.path}`);
  };

  const idp = async (request: CoreRequest): Promise<CoreResponse> => {
    const q = request.query;
    const state = (q instanceof URLSearchParams ? q.get('state') : q.state) ?? '';
    await complete(state);
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: new TextEncoder().encode('<!doctype html><title>fake IdP</title><p>Signed in, you can close this window'),
    };
  };

  const handler = async (request: CoreRequest): Promise<CoreResponse> => {
    if (request.path === '/fake-idp/authorize') return idp(request);
    const sub = request.path.startsWith(API) ? request.path.slice(API.length) : '';
    if (fake.profiles && sub.startsWith('/oauth/')) {
      return oauth(request, sub).catch(() => failure(400, 'invalid_request', 'Bad request body'));
    }
    return inner(request);
  };
  const fake: FakeOAuth = Object.assign(handler, {
    profiles: undefined as FakeProfile[] | undefined,
    flows,
    calls,
    pastes,
    complete,
    handles: (path: string) => path === '/fake-idp/authorize' || inner.handles(path),
  });
  return fake;
}
