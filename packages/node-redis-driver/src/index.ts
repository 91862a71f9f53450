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
export type { InvalidationListener } from './invalidation.js';
export type {
  AnyNodeRedisClient,
  NodeRedisClient,
  NodeRedisClusterClient,
  NodeRedisSentinelClient,
  NodeRedisSingleClient,
} from './node-redis-client.js';
export {
  createNodeRedisRepository,
  type ExistingClientOptions,
  type NodeRedisOptions,
  NodeRedisRepository,
} from './node-redis-repository.js';
