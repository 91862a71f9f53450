import { CONTRACT_SERIALIZERS, describeCacheRepositoryContract } from '@forno/testing/contract';
import { type RedisCluster, startRedisCluster } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
});

afterAll(async () => {
  await cluster?.stop();
});

/**
 * The full serializer matrix runs on standalone Redis; on Cluster, text and binary replies once
 * each (slot splitting, cross-slot errors and `deletePattern` over every primary are the same code
 * for every serializer).
 */
describeCacheRepositoryContract('NodeRedisRepository on a 3-primary/3-replica Redis Cluster', {
  publishCountsNodeLocal: true,
  cluster: true,
  flushScripts: async () => {
    await Promise.all(cluster.nodes.map((node) => node.command(['SCRIPT', 'FLUSH'])));
  },
  createRepository: async ({ keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository({
      cluster: { nodes: cluster.startupNodes },
      keyPrefix,
      serializer,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
  serializers: CONTRACT_SERIALIZERS.filter(({ name }) => ['json', 'raw-buffer'].includes(name)),
});

/**
 * `readFallback: 'replicas'` routes every read itself (to the primary while it is up): the contract
 * once more through that route, with binary replies.
 */
describeCacheRepositoryContract('NodeRedisRepository on a Redis Cluster, readFallback: replicas', {
  publishCountsNodeLocal: true,
  cluster: true,
  createRepository: async ({ keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository({
      cluster: { nodes: cluster.startupNodes, readFallback: 'replicas' },
      keyPrefix,
      serializer,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
  serializers: CONTRACT_SERIALIZERS.filter(({ name }) => name === 'raw-buffer'),
});
