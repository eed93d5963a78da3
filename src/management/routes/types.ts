import type { z } from 'zod';
import type { ClientKeyStore } from '../../http/client-keys/types.js';
import type { CoreRequest, CoreResponse } from '../../http/types.js';
import type { Manager } from '../../manager/manager.js';
import type { OAuthFlows } from '../../oauth/oauth-flows.js';
import type { UsageSink } from '../../observe/usage/types.js';
import type { ManagementConfigAccess } from '../types.js';

/** What a route's handler gets. */
export interface RouteContext {
  manager: Manager;
  request: CoreRequest;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  /** The request body, validated by the route's `body` schema (undefined for routes without one). */
  body: unknown;
  /** Text of a `text` route's body. */
  text: string | undefined;
  /** The query string, validated by the route's `query` schema. */
  query: Record<string, unknown>;
  usage: UsageSink | undefined;
  config: ManagementConfigAccess | undefined;
  clientKeys: ClientKeyStore | undefined;
  version: string;
  startedAt: number;
  now: () => number;
  /** The OAuth logins (absent: no profile configured). */
  oauth: OAuthFlows | undefined;
  /** Where the management routes are mounted, e.g. `/v0/management`. */
  basePath: string;
  /** Scheme and host browsers reach the gateway at, for OAuth callbacks; default from the Host header. */
  oauthCallbackBase: string | undefined;
  /** Records what a write did, for the audit line (ids and field names only, never values). */
  audit: (detail: Record<string, unknown>) => void;
}

/** One management route: what it is, what it takes and answers (the OpenAPI document is built from this). */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the base path, with `{name}` parameters: `/credentials/{id}`. */
  path: string;
  summary: string;
  /** JSON body schema; the body is validated against it before the handler runs. */
  body?: z.ZodType;
  /** Query string schema (values arrive as strings); validated before the handler runs. */
  query?: z.ZodObject;
  /** The route also takes the body as text (a YAML file) with a `content-type` other than JSON. */
  text?: boolean;
  /** Success status and body schema (absent: no body). */
  response: { status: number; schema?: z.ZodType; html?: boolean };
  /** Changes state: writes an audit line. */
  write: boolean;
  /**
   * Served without the management secret (the OAuth callback, authenticated by its state); the rule
   * on remote peers still applies.
   */
  public?: boolean;
  handle(context: RouteContext): Promise<CoreResponse>;
}
