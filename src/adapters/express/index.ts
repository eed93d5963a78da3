/** @module switchyard/express */
export { createExpressMiddleware, type ExpressAdapterOptions, switchyard } from './create-express-middleware.js';
