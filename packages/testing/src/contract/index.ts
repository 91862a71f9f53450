export {
  type CacheRepositoryContractOptions,
  describeCacheRepositoryContract,
} from './describe-cache-repository-contract.js';
