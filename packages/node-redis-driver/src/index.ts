export type {
  RedisClusterConfig,
  RedisNodeAddress,
  RedisRepositoryConfig,
  RedisRetryPolicyConfig,
  RedisSentinelConfig,
  RedisTlsConfig,
  ResolvedRedisConfig,
} from '@forno/core/backend';
export type {
  NodeRedisClient,
  NodeRedisClusterClient,
  NodeRedisSentinelClient,
  NodeRedisSingleClient,
} from './node-redis-client.js';
export {
  createNodeRedisRepository,
  type ExistingClientOptions,
  NodeRedisRepository,
} from './node-redis-repository.js';
