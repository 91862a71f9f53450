import type { RedisRepositoryConfig } from '@forno/core/backend';
import { CONTRACT_SERIALIZERS, describeCacheRepositoryContract } from '@forno/testing/contract';
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

const serializers = (...names: string[]) => CONTRACT_SERIALIZERS.filter(({ name }) => names.includes(name));

/**
 * The full serializer × transport matrix runs on standalone Redis; on Cluster, a slice that covers
 * each path once: text and binary replies under auto-pipelining (which groups commands per node),
 * and binary replies without it.
 */
const SLICE: ReadonlyArray<[label: string, transport: RedisRepositoryConfig, serializerNames: string[]]> = [
  ['default options', {}, ['json', 'msgpack', 'raw-buffer']],
  ['auto-pipelining off', { autoPipelining: false }, ['compressed-msgpack']],
];

for (const [label, transport, names] of SLICE) {
  describeCacheRepositoryContract(`RedisRepository on a 3-primary/3-replica Redis Cluster, ${label}`, {
    publishCountsNodeLocal: true,
    cluster: true,
    flushScripts: async () => {
      await Promise.all(cluster.nodes.map((node) => node.command(['SCRIPT', 'FLUSH'])));
    },
    createRepository: async ({ keyPrefix, serializer }) => {
      const repo = new RedisRepository({
        ...transport,
        cluster: { nodes: cluster.startupNodes },
        keyPrefix,
        serializer,
        healthCheckInterval: false,
      });
      await repo.connect();
      return repo;
    },
    serializers: serializers(...names),
  });
}
