import { type RedisCluster, startRedisCluster } from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import { lockSuite } from '../test/lock-suite.js';
import { RepositoryPool } from '../test/redis.js';

let cluster: RedisCluster;
const pool = new RepositoryPool(() => ({ cluster: { nodes: cluster.startupNodes } }));

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
});

afterAll(async () => {
  await pool.close();
  await cluster?.stop();
});

describe('locks on a 3-primary/3-replica Redis Cluster', () => {
  lockSuite({ repo: () => pool.repo(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
});
