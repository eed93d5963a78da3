import { HttpError } from '../../http/error-response.js';
import type { CoreRequest, CoreResponse } from '../../http/types.js';
import type { OAuthFlows, OAuthFlowView } from '../../oauth/oauth-flows.js';
import { json } from '../respond.js';
import {
  oauthCallbackQuerySchema,
  oauthCodeInputSchema,
  oauthFlowInputSchema,
  oauthFlowSchema,
  oauthProfileListSchema,
} from '../schemas.js';
import type { Route, RouteContext } from './types.js';

function flowsOr404(context: RouteContext, what: string): OAuthFlows {
  if (!context.oauth)
    throw new HttpError(404, 'not_found', `${what}: no OAuth profile is configured (oauth-profiles:)`);
  return context.oauth;
}

function flowOr404(view: OAuthFlowView | undefined, id: string): OAuthFlowView {
  if (!view)
    throw new HttpError(404, 'not_found', `No OAuth login with id '${id}' (logins expire, and live in one process)`);
  return view;
}

/** Where the authorization server sends the browser back: the profile's redirect URI, else this route. */
function callbackUrl(context: RouteContext, profile: string): string {
  const fixed = context.oauth?.profile(profile)?.redirectUri;
  if (fixed) return fixed;
  if (context.oauthCallbackBase)
    return `${context.oauthCallbackBase.replace(/\/+$/, '')}${context.basePath}/oauth/callback`;
  const host = context.request.headers.host;
  if (!host)
    throw new HttpError(400, 'invalid_request', 'The request has no Host header to build the callback URL from');
  return `http://${host}${context.basePath}/oauth/callback`;
}

const encoder = new TextEncoder();

function html(status: number, text: string): CoreResponse {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'",
      'referrer-policy': 'no-referrer',
    },
    body: encoder.encode(`<!doctype html><meta charset="utf-8"><title>switchyard</title><p>${escaped}</p>\n`),
  };
}

function queryParams(request: CoreRequest): URLSearchParams {
  if (request.query instanceof URLSearchParams) return request.query;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(request.query)) if (v !== undefined) params.set(k, v);
  return params;
}

/**
 * OAuth logins: the profiles, starting a login (authorization URL or device code), its state, cancel,
 * a pasted redirect URL, and the callback the authorization server redirects the browser to.
 */
export const OAUTH_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/oauth/profiles',
    summary: 'The OAuth profiles accounts can be logged in with',
    response: { status: 200, schema: oauthProfileListSchema },
    write: false,
    async handle({ oauth }) {
      return json(200, { profiles: oauth?.profiles() ?? [] });
    },
  },
  {
    method: 'POST',
    path: '/oauth/flows',
    summary:
      'Starts a login with a profile: the authorization URL to open, or the device code; client credentials finish at once',
    body: oauthFlowInputSchema,
    response: { status: 201, schema: oauthFlowSchema },
    write: true,
    async handle(context) {
      const { profile } = context.body as { profile: string };
      const flows = flowsOr404(context, `No OAuth profile '${profile}'`);
      const kind = flows.profile(profile)?.flow;
      const view = await flows.start(
        profile,
        kind === 'authorization_code' ? { redirectUri: callbackUrl(context, profile) } : {},
      );
      context.audit({ oauthLogin: view.id, profile, flow: view.flow });
      return json(201, view);
    },
  },
  {
    method: 'GET',
    path: '/oauth/flows/{id}',
    summary: 'Where a login stands: pending, succeeded (with the credential id), failed, cancelled or expired',
    response: { status: 200, schema: oauthFlowSchema },
    write: false,
    async handle(context) {
      const id = context.params.id!;
      return json(200, flowOr404(context.oauth?.get(id), id));
    },
  },
  {
    method: 'DELETE',
    path: '/oauth/flows/{id}',
    summary: 'Cancels a pending login (a finished one keeps its state)',
    response: { status: 200, schema: oauthFlowSchema },
    write: true,
    async handle(context) {
      const id = context.params.id!;
      const view = flowOr404(context.oauth?.cancel(id), id);
      context.audit({ oauthLogin: id, state: view.state });
      return json(200, view);
    },
  },
  {
    method: 'POST',
    path: '/oauth/flows/{id}/code',
    summary:
      'Finishes an authorization-code login with the pasted redirect URL (or code), when the browser runs elsewhere',
    body: oauthCodeInputSchema,
    response: { status: 200, schema: oauthFlowSchema },
    write: true,
    async handle(context) {
      const id = context.params.id!;
      const input = context.body as { url?: string; code?: string };
      const view = flowOr404(await context.oauth?.submit(id, input), id);
      context.audit({
        oauthLogin: id,
        state: view.state,
        ...(view.credentialId ? { credential: view.credentialId } : {}),
      });
      return json(200, view);
    },
  },
  {
    method: 'GET',
    path: '/oauth/callback',
    summary:
      'Where the authorization server sends the browser back (no management secret: the login’s state authenticates it); answers HTML',
    query: oauthCallbackQuerySchema,
    response: { status: 200, html: true },
    write: true,
    public: true,
    async handle(context) {
      if (!context.oauth) return html(400, 'Sign-in refused: no OAuth login is configured on this gateway.');
      try {
        const view = await context.oauth.callback(queryParams(context.request));
        context.audit({
          oauthLogin: view.id,
          state: view.state,
          ...(view.credentialId ? { credential: view.credentialId } : {}),
        });
        if (view.state === 'succeeded') return html(200, 'Signed in, you can close this window.');
        return html(400, `Sign-in failed: ${view.error ?? view.state}`);
      } catch (err) {
        return html(400, `Sign-in refused: ${err instanceof Error ? err.message : 'unknown error'}`);
      }
    },
  },
];
