import { describeStandaloneServerContract } from '@forno/testing/contract';
import { RedisRepository } from './redis-repository.js';

describeStandaloneServerContract('RedisRepository, auto-pipelining off', async (server, options) => {
  const repo = new RedisRepository({
    autoPipelining: false,
    port: server.port,
    healthCheckInterval: false,
    ...options,
  });
  await repo.connect();
  return repo;
});
