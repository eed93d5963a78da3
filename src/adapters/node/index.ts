/** @module switchyard/node */
export { requestBody } from './request-body.js';
export { type ToCoreRequestOptions, toCoreRequest } from './to-core-request.js';
export { type NodeBridgeOptions, type ServeNodeExtras, serveNode, toNodeListener } from './to-node-listener.js';
export { writeCoreResponse } from './write-core-response.js';
