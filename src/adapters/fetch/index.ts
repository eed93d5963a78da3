/** @module switchyard/fetch */
export {
  type FetchHandlerOptions,
  toCoreRequestFromFetch,
  toFetchHandler,
  toFetchResponse,
} from './to-fetch-handler.js';
