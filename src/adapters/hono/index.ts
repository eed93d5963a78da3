/** @module switchyard/hono */
export { createHonoApp, type HonoAdapterOptions, switchyard } from './create-hono-app.js';
