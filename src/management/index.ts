/**
 * The management API: the Manager's state, credentials, models and the running config over JSON,
 * with its OpenAPI document, on the same core request shape as the client handler.
 *
 * @module management
 */

export { maskCredential, maskSecret } from '../core/mask-secret.js';
export { createManagementHandler, type ManagementHandler } from './create-management-handler.js';
export type { DashboardBundle, DashboardFile } from './dashboard/bundle-types.js';
export { createDashboardHandler, type DashboardOptions } from './dashboard/create-dashboard-handler.js';
export type { ManagementConfigAccess, ManagementOptions } from './types.js';
