export type { ContractRepository } from './contract-context.js';
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
export {
  describeContractOnRedisServer,
  type RedisServerContractOptions,
} from './describe-contract-on-redis-server.js';
