/** @module switchyard/hono */
export { switchyard } from './switchyard-hono.js';
