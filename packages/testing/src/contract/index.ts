export {
  CONTRACT_SERIALIZERS,
  type ContractSerializer,
  JSON_CONTRACT_SERIALIZER,
  storedForm,
} from './contract-serializers.js';
export {
  type CacheRepositoryContractOptions,
  describeCacheRepositoryContract,
} from './describe-cache-repository-contract.js';
export { describeStandaloneServerContract } from './describe-standalone-server-contract.js';
