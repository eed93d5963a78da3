/**
 * The framework-free HTTP surface: {@link createHandler} turns a Manager into one function from a
 * minimal request shape to a minimal response shape; the adapters map their framework onto it.
 * @module switchyard/http
 */
export { FileClientKeyStore } from './client-keys/file-client-key-store.js';
export { MemoryClientKeyStore } from './client-keys/memory-client-key-store.js';
export { digestOf, newClientKey } from './client-keys/new-client-key.js';
export type { ClientKeyRecord, ClientKeyStore } from './client-keys/types.js';
export { combineHandlers } from './combine-handlers.js';
export { createHandler, DEFAULT_MAX_BODY_BYTES } from './create-handler.js';
export { FORWARDED_REQUEST_HEADERS } from './headers.js';
export {
  createProxyHandler,
  DEFAULT_MAX_REPLAY_BYTES,
  type KeyPlacement,
  type ProxyHandler,
  type ProxyHandlerOptions,
  type ProxyServiceOptions,
  type ProxyServiceSettings,
} from './proxy/create-proxy-handler.js';
export { joinProxyPath } from './proxy/proxy-path.js';
export { readRateLimits } from './proxy/read-rate-limits.js';
export type {
  AuthResult,
  ClientKey,
  ClientPolicy,
  CoreHandler,
  CoreRequest,
  CoreRequestBody,
  CoreResponse,
  Handler,
  HandlerOptions,
  HandlerSettings,
  MountableHandler,
} from './types.js';
