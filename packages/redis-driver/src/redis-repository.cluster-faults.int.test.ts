/**
 * The Cluster fault suite of `@forno/testing/faults` on `RedisRepository`: a primary SIGKILLed,
 * frozen past `cluster-node-timeout`, failed over by hand, and slots resharded, each under a
 * steady get/set load on a fresh 3+3 cluster.
 *
 * Run: pnpm --filter @forno/redis-driver exec vitest run src/redis-repository.cluster-faults
 */
import { describeClusterFaultSuite } from '@forno/testing/faults';
import { RedisRepository } from './redis-repository.js';

describeClusterFaultSuite('RedisRepository (ioredis)', {
  replicaReads: true,
  createRepository: async ({ nodes, keyPrefix, commandTimeoutMs, replicaReads }) => {
    const repo = new RedisRepository({
      cluster: { nodes, readFallback: replicaReads ? 'replicas' : 'none' },
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});
