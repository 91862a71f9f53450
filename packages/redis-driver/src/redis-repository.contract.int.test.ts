import { describeCacheRepositoryContract } from '@forno/testing/contract';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

describeCacheRepositoryContract('RedisRepository on a standalone redis-server', {
  createRepository: async ({ keyPrefix }) => {
    const repo = new RedisRepository({ port: server.port, keyPrefix, healthCheckInterval: false });
    await repo.connect();
    return repo;
  },
});
