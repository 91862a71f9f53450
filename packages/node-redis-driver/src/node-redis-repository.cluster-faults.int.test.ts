/**
 * The Cluster fault suite of `@forno/testing/faults` on `NodeRedisRepository`: a primary SIGKILLed,
 * frozen past `cluster-node-timeout`, failed over by hand, and slots resharded, each under a
 * steady get/set load on a fresh 3+3 cluster.
 *
 * Run: pnpm --filter @forno/node-redis-driver exec vitest run src/node-redis-repository.cluster-faults
 */
import { describeClusterFaultSuite } from '@forno/testing/faults';
import { NodeRedisRepository } from './node-redis-repository.js';

describeClusterFaultSuite('NodeRedisRepository (node-redis)', {
  // node-redis reloads its slot map only on MOVED/ASK; the driver reloads it when a command finds
  // a node unreachable or out of time, but a frozen primary still delays that: writes to its shard
  // resume ~1.5 s after the promotion (the ioredis driver: within 1 s), so the window is 2 s here.
  errorWindowMs: 2_000,
  replicaReads: true,
  createRepository: async ({ nodes, keyPrefix, commandTimeoutMs, replicaReads }) => {
    const repo = new NodeRedisRepository({
      cluster: { nodes, readFallback: replicaReads ? 'replicas' : 'none' },
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});
