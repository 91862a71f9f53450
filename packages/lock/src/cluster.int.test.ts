import { type RedisCluster, startRedisCluster } from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import { lockSuite } from '../test/lock-suite.js';
import { type LockTestDriver, RepositoryPool } from '../test/redis.js';

let cluster: RedisCluster;
const drivers: readonly LockTestDriver[] = ['ioredis', 'node-redis'];
const pools = drivers.map(
  (driver) => new RepositoryPool(() => ({ cluster: { nodes: cluster.startupNodes } }), driver),
);

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await cluster?.stop();
});

drivers.forEach((driver, i) => {
  describe(`locks on a 3-primary/3-replica Redis Cluster through the ${driver} driver`, () => {
    lockSuite({
      repo: () => pools[i]!.repo(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  });
});
