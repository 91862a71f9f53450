export type { ContractRepository } from './contract-context.js';
export {
  CONTRACT_SERIALIZERS,
  type ContractSerializer,
  JSON_CONTRACT_SERIALIZER,
  storedForm,
} from './contract-serializers.js';
export {
  type CacheRepositoryContractOptions,
  type ContractGroup,
  describeCacheRepositoryContract,
} from './describe-cache-repository-contract.js';
export {
  describeContractOnRedis8,
  type Redis8ContractOptions,
  type Redis8Topology,
} from './describe-contract-on-redis-8.js';
export {
  describeContractOnRedisServer,
  type RedisServerContractOptions,
} from './describe-contract-on-redis-server.js';
