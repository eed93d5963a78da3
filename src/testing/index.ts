/** @module switchyard/testing */
export {
  describeStateStoreContract,
  type StateStoreFactory,
  type StateStoreFixture,
} from './state-store-contract.js';
export type { TestApi } from './test-api.js';
export {
  describeTokenStoreContract,
  type TokenStoreContractOptions,
  type TokenStoreFactory,
  type TokenStoreFixture,
} from './token-store-contract.js';
export { waitFor } from './wait-for.js';
