import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import { coherenceSuite } from './test-support/coherence-suite.js';
import { loadSuite } from './test-support/load-suite.js';
import { redisWorld } from './test-support/redis-world.js';

let server: RedisServer;
const world = redisWorld(() => ({ port: server.port }));

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

describe('HybridCache on a redis-server: getOrSet', () => {
  loadSuite(world);
});

describe('HybridCache on a redis-server: coherence, tags, namespaces', () => {
  coherenceSuite(world);
});
