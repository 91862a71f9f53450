import { describeCacheRepositoryContract } from '@forno/testing/contract';
import { type RedisCluster, startRedisCluster } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
});

afterAll(async () => {
  await cluster?.stop();
});

describeCacheRepositoryContract('RedisRepository on a 3-primary/3-replica Redis Cluster', {
  publishCountsNodeLocal: true,
  createRepository: async ({ keyPrefix }) => {
    const repo = new RedisRepository({
      cluster: { nodes: cluster.startupNodes },
      keyPrefix,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});
