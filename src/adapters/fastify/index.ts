/** @module switchyard/fastify */
export {
  createFastifyPlugin,
  type FastifyAdapterOptions,
  type SwitchyardFastifyOptions,
  switchyardFastify,
} from './create-fastify-plugin.js';
