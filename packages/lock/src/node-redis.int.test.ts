import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import { lockSuite } from '../test/lock-suite.js';
import { RepositoryPool } from '../test/redis.js';

let server: RedisServer;
const pool = new RepositoryPool(() => ({ port: server.port }), 'node-redis');

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await pool.close();
  await server?.stop();
});

describe('locks on a standalone redis-server through @forno/node-redis-driver', () => {
  lockSuite({ repo: () => pool.repo(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
});
