import { RedisRepository, type RedisRepositoryConfig } from '@forno/redis-driver';
import { type World, worldOf } from './world.js';

/** Worlds whose "processes" are `RedisRepository`s (own connections each) on one server or Cluster. */
export function redisWorld(config: () => RedisRepositoryConfig): () => World {
  return () =>
    worldOf(async (keyPrefix, serializer) => {
      const repository = new RedisRepository({
        healthCheckInterval: false,
        commandTimeout: '10s',
        ...config(),
        keyPrefix,
        ...(serializer ? { serializer } : {}),
      });
      await repository.connect();
      return repository;
    });
}
