/** @module switchyard/fetch */
export {
  createFetchHandler,
  type FetchHandlerOptions,
  toCoreRequestFromFetch,
  toFetchHandler,
  toFetchResponse,
} from './create-fetch-handler.js';
