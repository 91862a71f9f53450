import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import { coherenceSuite } from '../test/coherence-suite.js';
import { loadSuite } from '../test/load-suite.js';
import { redisWorld } from '../test/redis-world.js';

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
