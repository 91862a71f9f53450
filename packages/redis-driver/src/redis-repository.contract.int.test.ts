import { describeStandaloneServerContract } from '@forno/testing/contract';
import { RedisRepository } from './redis-repository.js';

describeStandaloneServerContract('RedisRepository, default options', async (server, options) => {
  const repo = new RedisRepository({ port: server.port, healthCheckInterval: false, ...options });
  await repo.connect();
  return repo;
});
