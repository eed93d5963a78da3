/** @module switchyard/express */
export { type ExpressAdapterOptions, switchyard } from './switchyard-express.js';
