export type { NodeInfo } from '@forno/core';
export type {
  HealthListener,
  HealthState,
  RedisClusterConfig,
  RedisNodeAddress,
  RedisRepositoryConfig,
  RedisRetryPolicyConfig,
  RedisSentinelConfig,
  RedisTlsConfig,
  ResolvedRedisConfig,
} from '@forno/core/backend';
export type { RedisClient } from './create-client.js';
export { RedisEntityRepository } from './redis-entity-repository.js';
export {
  createRedisRepository,
  type ExistingClientOptions,
  RedisRepository,
} from './redis-repository.js';
