export type {
  RedisClusterConfig,
  RedisNodeAddress,
  RedisRepositoryConfig,
  RedisRetryPolicyConfig,
  RedisSentinelConfig,
  RedisTlsConfig,
  ResolvedRedisConfig,
} from '@forno/core/backend';
export type { RedisClient } from './create-client.js';
export type { HealthListener, HealthState } from './health-monitor.js';
export { RedisEntityRepository } from './redis-entity-repository.js';
export {
  createRedisRepository,
  type ExistingClientOptions,
  type NodeInfo,
  RedisRepository,
} from './redis-repository.js';
