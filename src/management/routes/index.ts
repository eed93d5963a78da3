import { API_KEY_ROUTES } from './api-keys.js';
import { CONFIG_ROUTES } from './config.js';
import { CREDENTIAL_ROUTES } from './credentials.js';
import { GROUP_ROUTES } from './groups.js';
import { OAUTH_ROUTES } from './oauth.js';
import { PLAYGROUND_ROUTES } from './playground.js';
import { STATUS_ROUTES } from './status.js';
import type { Route } from './types.js';
import { USAGE_ROUTES } from './usage.js';

export type { Route, RouteContext } from './types.js';

/** Every management route, in the order the OpenAPI document lists them; one file per resource. */
export const ROUTES: readonly Route[] = [
  ...STATUS_ROUTES,
  ...CREDENTIAL_ROUTES,
  ...CONFIG_ROUTES,
  ...API_KEY_ROUTES,
  ...USAGE_ROUTES,
  ...GROUP_ROUTES,
  ...PLAYGROUND_ROUTES,
  ...OAUTH_ROUTES,
];
