import { describeStandaloneServerContract } from '@forno/testing/contract';
import { RedisRepository } from './redis-repository.js';

describeStandaloneServerContract('RedisRepository, a pool of 3 connections', async (server, options) => {
  const repo = new RedisRepository({
    connectionPoolSize: 3,
    port: server.port,
    healthCheckInterval: false,
    ...options,
  });
  await repo.connect();
  return repo;
});
