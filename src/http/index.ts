/**
 * The framework-free HTTP surface: {@link createHandler} turns a Manager into one function from a
 * minimal request shape to a minimal response shape; the adapters map their framework onto it.
 * @module switchyard/http
 */
export { combineHandlers } from './combine-handlers.js';
export { createHandler, DEFAULT_MAX_BODY_BYTES } from './create-handler.js';
export { FORWARDED_REQUEST_HEADERS } from './headers.js';
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
