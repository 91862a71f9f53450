import { type RedisCluster, startRedisCluster } from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import { coherenceSuite } from '../test/coherence-suite.js';
import { loadSuite } from '../test/load-suite.js';
import { redisWorld } from '../test/redis-world.js';

let cluster: RedisCluster;
const world = redisWorld(() => ({ cluster: { nodes: cluster.startupNodes } }));

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
});

afterAll(async () => {
  await cluster?.stop();
});

// Entries, tag sets and stampede locks hash to different slots: only single-key commands (and
// MGET, split by slot) cross them; pub/sub reaches every node.
describe('HybridCache on a 3-primary/3-replica Redis Cluster: getOrSet, distributed stampede', () => {
  loadSuite(world);
});

describe('HybridCache on a 3-primary/3-replica Redis Cluster: coherence, tags, namespaces', () => {
  coherenceSuite(world);
});
