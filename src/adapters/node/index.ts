/** @module switchyard/node */
export {
  createNodeListener,
  type NodeBridgeOptions,
  type ServeNodeExtras,
  serveNode,
  toNodeListener,
} from './create-node-listener.js';
export { requestBody } from './request-body.js';
export { type ToCoreRequestOptions, toCoreRequest } from './to-core-request.js';
export { writeCoreResponse } from './write-core-response.js';
