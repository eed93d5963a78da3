/** @module switchyard/tracing */
export { instrumentTracing, type TracingOptions, type TracingSource } from './instrument-tracing.js';
