/** @module switchyard/fastify */
export { type FastifyAdapterOptions, switchyardFastify } from './switchyard-fastify.js';
